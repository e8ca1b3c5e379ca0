import type { CloudComponentType, JsonObject } from '@berth/core';

/** An Alibaba Cloud zone id: the region id and the zone's letter, such as cn-hangzhou-h or ap-southeast-1a. */
export const ALICLOUD_ZONE_ID = /^[a-z]{2,}(-[a-z0-9]+){2,}$/;

/**
 * Zones the schema accepts (any cloud's zone name) but Alibaba Cloud does not: a vpc's `vswitches[].zone` and an slb's
 * `zone` must be zone ids of the region. Paths relative to the component's properties.
 */
export function alicloudZoneProblems(
  type: CloudComponentType,
  properties: JsonObject,
): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const check = (path: string, zone: unknown) => {
    if (typeof zone === 'string' && !ALICLOUD_ZONE_ID.test(zone))
      problems.push({
        path,
        message: `${JSON.stringify(zone.slice(0, 64))} is not an Alibaba Cloud zone id: use one of the region's zones, such as cn-hangzhou-h`,
      });
  };
  if (type === 'vpc' && Array.isArray(properties.vswitches))
    properties.vswitches.forEach((vswitch, i) => check(`/vswitches/${i}/zone`, (vswitch as JsonObject | null)?.zone));
  if (type === 'slb') check('/zone', properties.zone);
  return problems;
}
