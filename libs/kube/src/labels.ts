/** Labels and annotations Berth puts on everything it renders. */
export const LABEL_OAM_NAME = 'app.oam.dev/name';
export const LABEL_OAM_COMPONENT = 'app.oam.dev/component';
export const LABEL_ENVIRONMENT = 'berth.dev/environment';
export const LABEL_APPLICATION = 'berth.dev/application';
export const LABEL_COMPONENT = 'berth.dev/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'berth';

/** On the pod template: hash of the versions of every secret the workload binds. A change rolls the workload. */
export const ANNOTATION_BINDINGS_CHECKSUM = 'berth.dev/bindings-checksum';
/** On a Secret: the connection secret's version. */
export const ANNOTATION_SECRET_VERSION = 'berth.dev/secret-version';
/** On a Secret rendered without values (GitOps view without includeSecrets). */
export const ANNOTATION_VALUES_REDACTED = 'berth.dev/values-redacted';
/** On a Job: hash of its pod template, which Kubernetes does not let change in place. */
export const ANNOTATION_TEMPLATE_HASH = 'berth.dev/template-hash';

/** Alibaba Cloud cloud-controller-manager: attach an existing SLB (CLB) instance to a LoadBalancer Service. */
export const ANNOTATION_ALIBABA_LB_ID = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id';
/** Alibaba Cloud cloud-controller-manager: let it manage the listeners of an attached SLB. */
export const ANNOTATION_ALIBABA_LB_FORCE_OVERRIDE =
  'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners';

/** Labels of every object of one component of one application in one environment. */
export function componentLabels(environment: string, application: string, component: string): Record<string, string> {
  return {
    [LABEL_OAM_NAME]: application,
    [LABEL_OAM_COMPONENT]: component,
    [LABEL_ENVIRONMENT]: environment,
    [LABEL_APPLICATION]: application,
    [LABEL_COMPONENT]: component,
    [LABEL_MANAGED_BY]: MANAGED_BY,
  };
}

/** The immutable selector of a Deployment / Service: only labels that never change for the component. */
export function componentSelector(environment: string, application: string, component: string): Record<string, string> {
  return { [LABEL_ENVIRONMENT]: environment, [LABEL_APPLICATION]: application, [LABEL_COMPONENT]: component };
}

/** Label selector (query syntax) matching every object of an application in an environment. */
export function applicationLabelSelector(environment: string, application: string): string {
  return `${LABEL_APPLICATION}=${application},${LABEL_ENVIRONMENT}=${environment}`;
}
