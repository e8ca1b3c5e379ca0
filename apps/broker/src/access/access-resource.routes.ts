import { applyDecorators, Controller, Delete, Get, HttpCode, Inject, Injectable, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { JSON_MEDIA_TYPES } from '@berth/oam';
import type { Request } from 'express';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { readDocument } from '../http/document-body';
import { RequirePermission } from './permission.decorator';
import type { Permission } from './permissions';

/**
 * The shape every access resource (API tokens, role bindings) has: `POST` creates from a JSON body, `GET` lists
 * `{items}`, `DELETE /{key}` removes (200 with what was removed); each route held to the resource's one permission.
 */
export const AccessResourceController = (path: string) => applyDecorators(ApiTags('access'), Controller(path));

export function CreateRoute(
  permission: Permission,
  options: {
    summary: string;
    required: string[];
    schema: SchemaObject;
    created: string;
    invalid: string;
    /** The answer when an identical one existed already (200), if the resource has one. */
    existed?: string;
  },
) {
  return applyDecorators(
    Post(),
    RequirePermission(permission),
    ApiOperation({ summary: options.summary }),
    ApiConsumes(...JSON_MEDIA_TYPES),
    ApiBody({ schema: { type: 'object', required: options.required } }),
    ApiCreatedResponse({ schema: options.schema, description: options.created }),
    ...(options.existed ? [ApiOkResponse({ schema: options.schema, description: options.existed })] : []),
    ApiUnprocessableEntityResponse({ description: options.invalid }),
  );
}

export function ListRoute(permission: Permission, options: { summary: string; schema: SchemaObject; items: string }) {
  return applyDecorators(
    Get(),
    RequirePermission(permission),
    ApiOperation({ summary: options.summary }),
    ApiOkResponse({ schema: options.schema, description: `\`items\`: ${options.items}` }),
  );
}

export function RemoveRoute(
  permission: Permission,
  options: { param: string; summary: string; schema: SchemaObject; removed: string; notFound: string },
) {
  return applyDecorators(
    Delete(`:${options.param}`),
    HttpCode(200),
    RequirePermission(permission),
    ApiOperation({ summary: options.summary }),
    ApiOkResponse({ schema: options.schema, description: options.removed }),
    ApiNotFoundResponse({ description: options.notFound }),
  );
}

/** The parsed body of a create request (YAML or JSON), within the service's body limit. */
@Injectable()
export class AccessRequestBody {
  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {}

  async read(request: Request): Promise<unknown> {
    return (await readDocument(request, this.config.maxBodyBytes)).document;
  }
}
