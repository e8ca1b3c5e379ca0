import { isCloudComponent, type ApplicationSpec, type ComponentSpec } from '../model';

export type ReferenceKind = 'dependsOn' | 'network' | 'binding';

export interface ComponentReference {
  from: string;
  to: string;
  kind: ReferenceKind;
}

/** A binding's `secret` names either a cloud component or that component's connection secret. */
export function resolveBindingTarget(application: ApplicationSpec, secret: string): ComponentSpec | undefined {
  return (
    application.components.find((c) => isCloudComponent(c) && c.name === secret) ??
    application.components.find((c) => isCloudComponent(c) && c.connectionSecretName === secret)
  );
}

/** Every edge a component draws to another: explicit `dependsOn`, an rds/slb `network`, and each binding. */
export function componentReferences(application: ApplicationSpec): ComponentReference[] {
  const references: ComponentReference[] = [];
  for (const component of application.components) {
    for (const to of component.dependsOn) references.push({ from: component.name, to, kind: 'dependsOn' });
    if (isCloudComponent(component) && typeof component.properties.network === 'string') {
      references.push({ from: component.name, to: component.properties.network, kind: 'network' });
    }
    if (component.kind === 'workload') {
      for (const binding of component.bindings) {
        const target = resolveBindingTarget(application, binding.secret);
        references.push({ from: component.name, to: target?.name ?? binding.secret, kind: 'binding' });
      }
    }
  }
  return references;
}
