export { SHOP_REGISTRY, type ShopConsumer, type ShopRegistry } from './shop-registry';
