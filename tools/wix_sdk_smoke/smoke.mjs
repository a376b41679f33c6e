// The official Wix JS SDK against the emulator: every kind of read and write the
// tool makes, through Wix's own client code (request encoding, GET `.r` queries,
// `_id` renames, error wrapping). Run by tests/emulator/test_js_sdk.py:
//
//   node tools/wix_sdk_smoke/smoke.mjs http://127.0.0.1:PORT SITE_ID
//
// Prints one JSON object of what it saw and exits 0, or prints the failed check
// and exits 1. Written for this project; no code of the SDK is copied here.
import { createClient, ApiKeyStrategy } from '@wix/sdk';
import * as catalog from '@wix/auto_sdk_stores_catalog-versioning';
import * as customizations from '@wix/auto_sdk_stores_customizations-v-3';
import * as inventory from '@wix/auto_sdk_stores_inventory-items-v-3';
import * as products from '@wix/auto_sdk_stores_products-v-3';
import * as variants from '@wix/auto_sdk_stores_read-only-variants-v-3';
import * as storesLocations from '@wix/auto_sdk_stores_stores-locations-v-3';
import * as locations from '@wix/auto_sdk_business-tools_locations';

const [base, siteId] = process.argv.slice(2);
if (!base || !siteId) {
  console.error('usage: node smoke.mjs BASE_URL SITE_ID');
  process.exit(2);
}

// The SDK calls www.wixapis.com; the emulator answers the same paths.
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init) => {
  const text = typeof url === 'string' ? url : url.url;
  return realFetch(text.replace('https://www.wixapis.com', base), init);
};

const wix = createClient({
  modules: { catalog, customizations, inventory, products, variants, storesLocations, locations },
  auth: ApiKeyStrategy({ apiKey: 'sdk-smoke-key', siteId }),
});

const seen = {};
function check(what, ok, detail) {
  if (!ok) {
    console.error(`FAILED: ${what}: ${JSON.stringify(detail)}`);
    process.exit(1);
  }
}

function swatchProduct(name, colours) {
  return {
    name,
    productType: 'PHYSICAL',
    physicalProperties: {},
    options: [
      {
        name: 'Color',
        optionRenderType: 'SWATCH_CHOICES',
        choicesSettings: {
          choices: Object.entries(colours).map(([choice, code]) => ({
            name: choice,
            choiceType: 'ONE_COLOR',
            colorCode: code,
          })),
        },
      },
    ],
    variantsInfo: {
      variants: Object.keys(colours).map((choice) => ({
        sku: `SDK-${name}-${choice}`,
        price: { actualPrice: { amount: '10.00' } },
        physicalProperties: {},
        choices: [
          {
            optionChoiceNames: { optionName: 'Color', choiceName: choice, renderType: 'SWATCH_CHOICES' },
          },
        ],
      })),
    },
  };
}

try {
  const version = await wix.catalog.getCatalogVersion();
  check('catalog version', version.catalogVersion === 'V3_CATALOG', version);

  // Two products with an inline "Color": one shared option (Corrections 13).
  const tee = await wix.products.createProduct(swatchProduct('Tee', { Black: '#000000', White: '#FFFFFF' }));
  const cap = await wix.products.createProduct(swatchProduct('Cap', { Black: '#000000' }));
  check('one option for both', tee.options[0]._id === cap.options[0]._id, [tee.options, cap.options]);
  seen.shared_option = true;

  const listed = await wix.products.queryProducts().find();
  check('query products', listed.items.length === 2, listed.items.map((p) => p.name));
  const bySlug = await wix.products.getProductBySlug(tee.slug);
  check('get by slug', bySlug.product._id === tee._id, bySlug);
  const counted = await wix.products.countProducts();
  check('count products', counted.count === 2, counted);

  // Read-only variants (eventually consistent: the emulator lags only when told to).
  const teeVariants = await wix.variants.queryVariants().eq('productData.productId', tee._id).find();
  check('query variants', teeVariants.items.length === 2, teeVariants.items);

  // A product update: a new price on one variant, options and variants sent whole.
  const current = await wix.products.getProduct(tee._id, { fields: ['VARIANT_OPTION_CHOICE_NAMES'] });
  const updated = await wix.products.updateProduct(tee._id, {
    revision: current.revision,
    options: current.options,
    variantsInfo: {
      variants: current.variantsInfo.variants.map((v, i) => ({
        ...v,
        price: { actualPrice: { amount: i === 0 ? '12.00' : '10.00' } },
      })),
    },
  });
  check('update product', updated.revision !== current.revision, updated.revision);
  seen.product_update = true;

  // The shared option, through the Customizations API: rename, recolour, add.
  const options = await wix.customizations.queryCustomizations().eq('name', 'Color').find();
  check('query customizations', options.items.length === 1, options.items);
  const option = await wix.customizations.getCustomization(options.items[0]._id);
  const renamed = await wix.customizations.updateCustomization(option._id, {
    revision: option.revision,
    name: 'Colour',
  });
  check('rename option', renamed.name === 'Colour', renamed);
  const recoloured = renamed.choicesSettings.choices.map((c) => ({
    _id: c._id,
    name: c.name,
    choiceType: c.choiceType,
    colorCode: c.name === 'Black' ? '#111111' : c.colorCode,
  }));
  await wix.customizations.setCustomizationChoices(option._id, recoloured);
  const added = await wix.customizations.addCustomizationChoices(option._id, [
    { name: 'Red', choiceType: 'ONE_COLOR', colorCode: '#FF0000' },
  ]);
  check('add choice', added.customization.choicesSettings.choices.length === 3, added.customization);
  const capNow = await wix.products.getProduct(cap._id);
  check('rename reaches the other product', capNow.options[0].name === 'Colour', capNow.options);
  check(
    'recolour reaches the other product',
    capNow.options[0].choicesSettings.choices[0].colorCode === '#111111',
    capNow.options[0].choicesSettings.choices,
  );
  seen.option_writes = true;

  // Locations: the default one, and a new inventory location.
  const defaultLocation = await wix.storesLocations.getDefaultStoresLocation();
  const storeLocations = await wix.storesLocations.queryStoresLocations().find();
  check('stores locations', storeLocations.items.length >= 1, storeLocations.items);
  const created = await wix.locations.createLocation({
    name: 'SDK Depot',
    timeZone: 'Europe/Berlin',
    address: { city: 'Berlin', country: 'DE', formatted: 'Torstrasse 1, Berlin' },
    locationTypes: ['INVENTORY'],
  });
  check('create location', created.name === 'SDK Depot', created);
  const listedLocations = await wix.locations.listLocations();
  check('list locations', listedLocations.locations.some((l) => l._id === created._id), listedLocations);
  seen.locations = true;

  // Inventory: create, update under its revision, increment, decrement, query.
  const variantId = teeVariants.items[0]._id;
  const item = await wix.inventory.createInventoryItem({
    variantId,
    locationId: defaultLocation.storesLocation._id,
    productId: tee._id,
    quantity: 5,
  });
  check('create inventory item', item.quantity === 5, item);
  const bulk = await wix.inventory.bulkUpdateInventoryItems(
    [{ inventoryItem: { _id: item._id, revision: item.revision, quantity: 8 } }],
    { returnEntity: true },
  );
  check('bulk update', bulk.results[0].itemMetadata.success, bulk.results);
  await wix.inventory.bulkIncrementInventoryItems([{ inventoryItemId: item._id, incrementBy: 2 }]);
  await wix.inventory.bulkDecrementInventoryItems([{ inventoryItemId: item._id, decrementBy: 3 }]);
  const items = await wix.inventory.queryInventoryItems().eq('productId', tee._id).find();
  check('inventory after 8 + 2 - 3', items.items[0].quantity === 7, items.items);
  seen.inventory = true;

  // A stale revision: per item in a bulk update (Corrections 6), an error of its own alone.
  const stale = await wix.inventory.bulkUpdateInventoryItems([
    { inventoryItem: { _id: item._id, revision: item.revision, quantity: 1 } },
  ]);
  const metadata = stale.results[0].itemMetadata;
  check('stale revision in bulk', !metadata.success && /REVISION/.test(metadata.error.code), metadata);
  try {
    await wix.inventory.updateInventoryItem(item._id, { revision: item.revision, quantity: 1 });
    check('stale revision alone', false, 'no error');
  } catch (error) {
    // The SDK wraps Wix's error body; its HTTP status is what callers key on.
    const status = error?.response?.status ?? error?.details?.status ?? error?.status;
    seen.stale_revision = { bulk: metadata.error.code, single: status ?? String(error) };
  }

  console.log(JSON.stringify(seen));
} catch (error) {
  const details = error?.details ?? error?.response?.data ?? null;
  console.error(`FAILED: ${error?.message ?? error}: ${JSON.stringify(details)}`);
  process.exit(1);
}
