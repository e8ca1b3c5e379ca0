import { isCloudComponent, type ApplicationSpec, type ConnectionSecretMaterial } from '@berth/core';

/**
 * Each connection secret with the namespace its component names (`writeConnectionSecretToRef.namespace`), for the
 * kubernetes runtime to write it there. The stored secret knows its name; the namespace is the revision's.
 */
export function withSecretNamespaces(
  materials: ConnectionSecretMaterial[],
  application: ApplicationSpec | undefined,
): ConnectionSecretMaterial[] {
  const namespaces = new Map<string, string>();
  for (const component of application?.components ?? [])
    if (isCloudComponent(component) && component.connectionSecretNamespace !== undefined)
      namespaces.set(component.name, component.connectionSecretNamespace);
  return materials.map((material) => {
    const namespace = namespaces.get(material.component);
    return namespace === undefined ? material : { ...material, namespace };
  });
}
