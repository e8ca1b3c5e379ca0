export { LocalResourceProvider } from './local-resource.provider';
export type { LocalProviderOptions } from './local-provider.options';
export { DEFAULT_IP_POOL, DEFAULT_IP_POOL_PREFIX } from './local-provider.options';
export { MYSQL_PRIVILEGES } from './rds/mysql-admin.driver';
export { TcpLoadBalancer } from './slb/tcp-load-balancer';
export { allocate, formatCidr, overlaps, parseCidr } from './vpc/cidr';
export {
  LOCAL_PROVIDER_EXPECTATIONS,
  LocalProviderSettings,
  readLocalProviderSettings,
} from './settings/local-provider.settings';
