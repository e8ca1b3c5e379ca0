export { AlicloudResourceProvider, type AlicloudProviderOptions } from './alicloud-resource.provider';
export * from './profile/alicloud-profile';
export { buildProviderArgs, credentialEnvNames } from './profile/provider-args';
export { NAME_RULES } from './naming/resource-names';
export { programs } from './programs/program-registry';
export { alicloudStackConfigurator } from './stack/alicloud-stack-configurator';
export { ALICLOUD_ERROR_RULES } from './errors/alicloud-error-rules';
