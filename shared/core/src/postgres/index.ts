export { NotificationListener } from './notification-listener';
