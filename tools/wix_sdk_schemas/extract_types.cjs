// Reads the pinned Wix SDK packages installed next to this file's copy (in a
// scratch folder, by extract.py) and writes one raw JSON document per package:
//
//   methods     every public method of build/cjs/meta.js: HTTP method, proto
//               path, the public www.wixapis.com path (as the SDK's own
//               resolveUrl computes it), and whether a GET may travel as POST
//   schema      ts-json-schema-generator's output for the "Original" (REST)
//               request and response types named in build/cjs/meta.d.ts
//   interfaces  per interface: base interfaces, whether it is an @oneof group,
//               its member names, and the JSDoc tags of each property (@maxSize, @min, ...) that
//               the generator does not turn into keywords itself
//   per method  also `requiredFields` (the SDK function's @requiredField tags: paths rooted at
//               its parameter names, with SDK field names such as `_id`) and `arguments` (how
//               the SDK function puts its parameters into the REST request, as the SDK's own
//               error transformer is told: parameter names, explicit and spread paths)
//
// A second document, errors.raw.json, holds the error body every Wix API answers with
// (`{message, details}` of @wix/error-handler-types, the SDK's error types).
//
// Usage (from the scratch folder): node extract_types.cjs OUT_DIR
// Post-processing into the committed schemas is Python (postprocess.py).
'use strict';

const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const tsj = require('ts-json-schema-generator');

const HOST = 'www.wixapis.com';

// Read from the install folder itself: some packages do not export package.json.
function packageDir(name) {
  return path.join(process.cwd(), 'node_modules', ...name.split('/'));
}

function installedVersion(name) {
  return JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')).version;
}

// The SDK's own URL builder turns a proto path into the public one. A GET
// whose payload goes through toURLSearchParams(payload, true) is a "complex"
// query that @wix/sdk re-sends as POST with a JSON body when it is long.
function readMethods(pkg, pkgDir) {
  const restModules = require(require.resolve('@wix/sdk-runtime/rest-modules', { paths: [pkgDir] }));
  const original = restModules.toURLSearchParams;
  let complex = null;
  restModules.toURLSearchParams = (params, isComplexRequest) => {
    complex = isComplexRequest === true;
    return original(params, isComplexRequest);
  };
  const meta = require(`${pkg}/meta`);
  const methods = {};
  try {
    for (const name of Object.keys(meta).sort()) {
      const fn = meta[name];
      if (typeof fn !== 'function') continue;
      let info;
      try {
        info = fn();
      } catch (e) {
        continue;
      }
      if (!info || typeof info.httpMethod !== 'string' || typeof info.getUrl !== 'function') continue;
      complex = null;
      const url = info.getUrl({ host: HOST });
      methods[name] = {
        httpMethod: info.httpMethod,
        protoPath: info.path,
        publicPath: url,
        complexGet: info.httpMethod === 'GET' && complex === true,
      };
    }
  } finally {
    restModules.toURLSearchParams = original;
  }
  return methods;
}

// How an SDK function maps its parameters onto the REST request: each generated
// function hands exactly this to @wix/sdk-runtime's transformError when the call
// fails. Call it once with a client that fails, and keep what it hands over.
async function readArguments(pkg, methodNames) {
  const transform = require(require.resolve('@wix/sdk-runtime/transform-error', { paths: [packageDir(pkg)] }));
  const index = require(pkg);
  const original = transform.transformError;
  const found = {};
  try {
    for (const name of [...methodNames].sort()) {
      const factory = index[name];
      if (typeof factory !== 'function') continue;
      let seen = null;
      transform.transformError = (err, paths, names) => {
        seen = { names: names || [], explicit: paths.explicitPathsToArguments || {}, spread: paths.spreadPathsToArguments || {} };
        return err;
      };
      const failing = {
        request: async () => {
          const err = new Error('extract_types: no network');
          err.response = { status: 400, data: {} };
          throw err;
        },
      };
      try {
        const call = factory(failing);
        await call(...Array(call.length).fill(undefined));
      } catch (e) {
        // expected: the failing client
      }
      if (seen) found[name] = seen;
    }
  } finally {
    transform.transformError = original;
  }
  return found;
}

// SDK field name -> REST field name (`_id` -> `id`...), as the runtime renames
// request keys: the inverse of the map it applies to responses.
function sdkToRestRenames(pkgDir) {
  const restModules = require(require.resolve('@wix/sdk-runtime/rest-modules', { paths: [pkgDir] }));
  const out = {};
  for (const [rest, sdk] of Object.entries(restModules.RESTResponseToSDKResponseRenameMap)) out[sdk] = rest;
  return out;
}

// @requiredField tags of the SDK functions (universal and typings .d.ts files;
// meta.d.ts has none), by function name.
function readRequiredFields(pkgDir, methodNames) {
  const dir = path.join(pkgDir, 'build', 'cjs');
  const out = {};
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.d.ts') || file === 'meta.d.ts') continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    for (const stmt of source.statements) {
      if (!ts.isFunctionDeclaration(stmt) || !stmt.name || !methodNames.has(stmt.name.text)) continue;
      const tags = ts.getJSDocTags(stmt).filter((t) => t.tagName.text === 'requiredField').map(tagText);
      if (!tags.length) continue;
      const name = stmt.name.text;
      const merged = new Set([...(out[name] || []), ...tags]);
      out[name] = [...merged].sort();
    }
  }
  return out;
}

function typeName(node) {
  if (node && ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) return node.typeName.text;
  return null;
}

function tagText(tag) {
  const c = tag.comment;
  if (c === undefined) return '';
  if (typeof c === 'string') return c.trim();
  return c.map((part) => part.text).join('').trim();
}

// Method -> (request, response) Original type names, interfaces with their
// tags, and the local -> exported name map of the module's export clause.
function readDeclarations(dtsPath, methodNames) {
  const text = fs.readFileSync(dtsPath, 'utf8');
  const source = ts.createSourceFile(dtsPath, text, ts.ScriptTarget.ES2022, true);
  const types = {};
  const interfaces = {};
  const exported = {};
  for (const stmt of source.statements) {
    if (ts.isFunctionDeclaration(stmt) && stmt.name && methodNames.has(stmt.name.text)) {
      const ret = stmt.type;
      if (ret && ts.isTypeReferenceNode(ret) && ret.typeArguments && ret.typeArguments.length === 6) {
        types[stmt.name.text] = {
          request: typeName(ret.typeArguments[3]),
          response: typeName(ret.typeArguments[5]),
        };
      }
    } else if (ts.isInterfaceDeclaration(stmt)) {
      const bases = [];
      for (const clause of stmt.heritageClauses || []) {
        for (const t of clause.types) bases.push(t.expression.getText(source));
      }
      const ownTags = ts.getJSDocTags(stmt).map((t) => t.tagName.text);
      const props = {};
      const members = [];
      for (const member of stmt.members) {
        if (!ts.isPropertySignature(member) || !member.name) continue;
        members.push(member.name.getText(source));
        const tags = {};
        for (const tag of ts.getJSDocTags(member)) tags[tag.tagName.text] = tagText(tag);
        if (Object.keys(tags).length) props[member.name.getText(source)] = tags;
      }
      interfaces[stmt.name.text] = { bases: bases.sort(), oneof: ownTags.includes('oneof'), members: members.sort(), props };
    } else if (ts.isExportDeclaration(stmt) && stmt.exportClause && ts.isNamedExports(stmt.exportClause)) {
      for (const spec of stmt.exportClause.elements) {
        const local = (spec.propertyName || spec.name).text;
        exported[local] = spec.name.text;
      }
    }
  }
  return { types, interfaces, exported };
}

function generateFrom(workDir, entry, type) {
  const tsconfig = path.join(workDir, 'tsconfig.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', skipLibCheck: true, noEmit: true },
    }),
  );
  const config = {
    path: entry,
    tsconfig,
    type,
    skipTypeCheck: true,
    expose: 'all',
    topRef: true,
    jsDoc: 'extended',
    additionalProperties: false,
    sortProps: true,
    encodeRefs: false,
  };
  return tsj.createGenerator(config).createSchema(type);
}

function generate(pkg, pkgDir, workDir, types, exported) {
  const entryDir = path.join(workDir, 'entry');
  fs.mkdirSync(entryDir, { recursive: true });
  const entry = path.join(entryDir, `${pkg.replace(/[@/]/g, '_')}.ts`);
  const metaJs = path.relative(entryDir, path.join(pkgDir, 'build', 'cjs', 'meta.js')).split(path.sep).join('/');
  const names = new Set();
  const lines = [];
  for (const method of Object.keys(types).sort()) {
    const { request, response } = types[method];
    for (const t of [request, response]) {
      if (!exported[t]) throw new Error(`${pkg}: ${method} uses ${t}, which meta.d.ts does not export`);
      names.add(t);
    }
    lines.push(`  ${method}: { request: ${exported[request]}; response: ${exported[response]} };`);
  }
  const imports = [...names].sort().map((n) => exported[n]);
  const text = [
    `import type { ${imports.join(', ')} } from './${metaJs}';`,
    'export interface Endpoints {',
    ...lines,
    '}',
    '',
  ].join('\n');
  fs.writeFileSync(entry, text);
  return generateFrom(workDir, entry, 'Endpoints');
}

// The body of every Wix error answer: `message` plus `details` with one of
// applicationError / validationError / systemError (@wix/error-handler-types,
// which every @wix/sdk-types depends on; its version comes from the lock).
const ERRORS_PACKAGE = '@wix/error-handler-types';

function readErrors(workDir, toolchain) {
  const dir = packageDir(ERRORS_PACKAGE);
  if (!fs.existsSync(dir)) {
    throw new Error(`${ERRORS_PACKAGE} is not installed: add it to package.json`);
  }
  const typesDir = path.join(dir, 'dist', 'types', 'types');
  const interfaces = {};
  for (const file of fs.readdirSync(typesDir).sort()) {
    if (!file.endsWith('.d.ts')) continue;
    Object.assign(interfaces, readDeclarations(path.join(typesDir, file), new Set()).interfaces);
  }
  const entryDir = path.join(workDir, 'entry');
  fs.mkdirSync(entryDir, { recursive: true });
  const entry = path.join(entryDir, 'errors.ts');
  fs.writeFileSync(
    entry,
    [
      `import type { ErrorResponseMessage, ErrorResponseDetails } from '${ERRORS_PACKAGE}';`,
      '/** The JSON body of a Wix API error answer. */',
      'export interface WixErrorBody extends ErrorResponseMessage, ErrorResponseDetails {}',
      '',
    ].join('\n'),
  );
  const schema = generateFrom(workDir, entry, 'WixErrorBody');
  return { package: ERRORS_PACKAGE, version: installedVersion(ERRORS_PACKAGE), toolchain, root: 'WixErrorBody', interfaces, schema };
}

async function main() {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node extract_types.cjs OUT_DIR');
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const workDir = process.cwd();
  const manifest = JSON.parse(fs.readFileSync(path.join(workDir, 'package.json'), 'utf8'));
  const packages = Object.keys(manifest.dependencies).filter((n) => n.startsWith('@wix/auto_sdk_')).sort();
  const toolchain = {
    '@wix/sdk-runtime': installedVersion('@wix/sdk-runtime'),
    'ts-json-schema-generator': installedVersion('ts-json-schema-generator'),
    typescript: ts.version,
  };
  for (const pkg of packages) {
    const pkgDir = packageDir(pkg);
    const methods = readMethods(pkg, pkgDir);
    const dts = path.join(pkgDir, 'build', 'cjs', 'meta.d.ts');
    const { types, interfaces, exported } = readDeclarations(dts, new Set(Object.keys(methods)));
    for (const m of Object.keys(methods)) {
      if (!types[m]) throw new Error(`${pkg}: no __PublicMethodMetaInfo declaration for ${m} in meta.d.ts`);
      methods[m].requestType = types[m].request;
      methods[m].responseType = types[m].response;
    }
    const names = new Set(Object.keys(methods));
    const required = readRequiredFields(pkgDir, names);
    const args = await readArguments(pkg, names);
    for (const m of Object.keys(methods)) {
      if (!args[m]) throw new Error(`${pkg}: could not read how ${m} maps its parameters onto the request`);
      methods[m].arguments = args[m];
      methods[m].requiredFields = required[m] || [];
    }
    const schema = generate(pkg, pkgDir, workDir, types, exported);
    const renames = sdkToRestRenames(pkgDir);
    const doc = { package: pkg, version: installedVersion(pkg), toolchain, methods, interfaces, schema, renames };
    const file = path.join(outDir, `${pkg.replace('@wix/auto_sdk_', '')}.raw.json`);
    fs.writeFileSync(file, JSON.stringify(doc));
    console.error(`${pkg}@${doc.version}: ${Object.keys(methods).length} methods`);
  }
  const errors = readErrors(workDir, toolchain);
  fs.writeFileSync(path.join(outDir, 'errors.raw.json'), JSON.stringify(errors));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
