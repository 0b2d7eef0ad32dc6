export {
  DATABASE_SERVICES,
  portOf,
  type ServiceManifest,
  SHOP_MANIFEST,
  SHOP_PROCESSES,
  type ShopProcess,
} from './shop-manifest';
export { SHOP_REGISTRY, type ShopConsumer, type ShopRegistry } from './shop-registry';
