export {
  type ConsumerManifest,
  DATABASE_SERVICES,
  portOf,
  type ServiceManifest,
  SHOP_CONSUMERS,
  SHOP_MANIFEST,
  SHOP_PROCESSES,
  SHOP_REGISTRY,
  type ShopConsumer,
  type ShopProcess,
  type ShopRegistry,
} from './shop-registry';
