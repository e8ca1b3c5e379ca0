import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  jsonPointer,
  REDACTED,
  type EnvironmentSpec,
  type JsonObject,
  type ProviderProfile,
  type ValidationProblem,
} from '@berth/core';
import { EnvironmentEntity, EnvironmentRepository } from '@berth/persistence';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { validationProblems } from '../validation/class-validator.problems';
import { forbiddenKeyProblems } from '../validation/forbidden-keys';
import { isDns1123Label } from '../validation/names';
import { labelProblems, matchesLabels } from '../validation/labels';
import { SECRET_KEY_PATTERN } from '../logging/redact';
import { EnvironmentBodyDto, ProviderProfileDto, type EnvironmentView } from './environment.dto';
import { ProviderRegistry } from '../adapters/provider.registry';
import { RuntimeRegistry } from '../adapters/runtime.registry';

export const LOCAL_ENVIRONMENT: EnvironmentSpec = {
  name: 'local',
  provider: { kind: 'local', settings: {} },
  profiles: {},
  runtime: { kind: 'local', settings: {} },
};

/** Settings keys that name where a secret is (an env var, a file), not the secret itself, stay visible. */
const REFERENCE_KEY = /(Env|File|Path|Ref|Name)$/;

function redactSettings(value: unknown, depth = 0): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactSettings(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY_PATTERN.test(key) && !REFERENCE_KEY.test(key) && item !== null && typeof item !== 'object'
        ? REDACTED
        : redactSettings(item, depth + 1),
    ]),
  );
}

function viewProfile(profile: ProviderProfile): ProviderProfile {
  return { kind: profile.kind, settings: redactSettings(profile.settings ?? {}) as JsonObject };
}

export function toEnvironmentView(row: EnvironmentEntity): EnvironmentView {
  return {
    name: row.name,
    provider: viewProfile(row.provider),
    profiles: Object.fromEntries(Object.entries(row.profiles ?? {}).map(([name, p]) => [name, viewProfile(p)])),
    runtime: { kind: row.runtime.kind, settings: redactSettings(row.runtime.settings ?? {}) as JsonObject },
    labels: row.labels ?? {},
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

@Injectable()
export class EnvironmentsService implements OnModuleInit {
  constructor(
    @Inject(EnvironmentRepository) private readonly environments: EnvironmentRepository,
    @Inject(ProviderRegistry) private readonly providers: ProviderRegistry,
    @Inject(RuntimeRegistry) private readonly runtimes: RuntimeRegistry,
  ) {}

  /** The runtime's own check of `runtime.settings` (e.g. Kubernetes: the kubeconfig loads), under `/runtime/settings`. */
  private runtimeProblems(runtime: { kind?: unknown; settings?: unknown } | undefined): ValidationProblem[] {
    if (!runtime || typeof runtime.kind !== 'string') return [];
    const adapter = this.runtimes.find(runtime.kind);
    if (!adapter) return [];
    const settings =
      runtime.settings && typeof runtime.settings === 'object' && !Array.isArray(runtime.settings)
        ? (runtime.settings as JsonObject)
        : {};
    const prefix = jsonPointer('runtime', 'settings');
    return adapter
      .validateSettings({ kind: runtime.kind, settings })
      .map((problem) => ({ path: `${prefix}${problem.path}`, message: problem.message }));
  }

  /** The adapter's own check of a profile's settings, as problems under `<base>/settings`. */
  private profileProblems(profile: { kind?: unknown; settings?: unknown }, base: string[]): ValidationProblem[] {
    if (typeof profile.kind !== 'string') return [];
    const provider = this.providers.find(profile.kind);
    if (!provider) return [];
    const settings = profile.settings && typeof profile.settings === 'object' ? (profile.settings as JsonObject) : {};
    let found: Array<{ path: string; message: string }>;
    try {
      found = provider.validateProfile({ kind: profile.kind, settings });
    } catch (error) {
      found = [
        { path: '', message: `could not be checked: ${error instanceof Error ? error.message : String(error)}` },
      ];
    }
    const prefix = jsonPointer(...base, 'settings');
    return found.map((p) => ({ path: `${prefix}${p.path}`, message: p.message }));
  }

  /** A `local` environment exists from the first start on. */
  async onModuleInit(): Promise<void> {
    await this.environments.ensure(LOCAL_ENVIRONMENT);
  }

  /** By name; with `labels`, only the environments that carry every pair (a page may then read further rows). */
  async list(page?: { limit: number; after?: string; labels?: Record<string, string> }): Promise<EnvironmentEntity[]> {
    if (!page?.labels) return this.environments.list(page);
    const selector = page.labels;
    const found: EnvironmentEntity[] = [];
    let after = page.after;
    for (;;) {
      const rows = await this.environments.list({ limit: 500, after });
      found.push(...rows.filter((row) => matchesLabels(row.labels ?? {}, selector)));
      if (found.length >= page.limit || rows.length < 500) return found.slice(0, page.limit);
      after = rows[rows.length - 1]!.name;
    }
  }

  /** The environment, or a 404 problem. */
  async require(name: string): Promise<EnvironmentEntity> {
    const row = isDns1123Label(name) ? await this.environments.find(name) : null;
    if (!row) throw BrokerError.notFound(`environment ${JSON.stringify(name.slice(0, 100))}`);
    return row;
  }

  /**
   * Asks the adapter of each profile (default and named) whether it can work here. An unavailable one is a problem at
   * its `kind` (naming what is missing and how to fix it), or, with `allowUnavailable`, a warning.
   */
  async availabilityProblems(spec: Omit<EnvironmentSpec, 'name'>): Promise<ValidationProblem[]> {
    const profiles: Array<[string, ProviderProfile]> = [
      [jsonPointer('provider', 'kind'), spec.provider],
      ...Object.entries(spec.profiles ?? {}).map(([profileName, profile]): [string, ProviderProfile] => [
        jsonPointer('profiles', profileName, 'kind'),
        profile,
      ]),
    ];
    const problems = await Promise.all(
      profiles.map(async ([path, profile]): Promise<ValidationProblem | undefined> => {
        const provider = this.providers.find(profile.kind);
        if (!provider) return undefined; // an unknown kind is a validation problem already
        let reason: string | undefined;
        try {
          const availability = await provider.availability(profile);
          if (availability.available) return undefined;
          reason = availability.reason;
        } catch (error) {
          reason = error instanceof Error ? error.message : String(error);
        }
        return {
          path,
          message: `the ${profile.kind} adapter cannot work in this service: ${reason ?? 'unavailable'}`,
        };
      }),
    );
    return problems.filter((p): p is ValidationProblem => p !== undefined);
  }

  async put(
    name: string,
    document: unknown,
    options: { allowUnavailable?: boolean; dryRun?: boolean } = {},
  ): Promise<{ environment: EnvironmentEntity; created: boolean; warnings: ValidationProblem[] }> {
    if (!isDns1123Label(name)) {
      throw new BrokerError(BrokerErrorCode.BadRequest, 'invalid environment name', [
        {
          path: '/path/env',
          message: 'must be a DNS-1123 label: lower-case letters, digits and -, at most 63 characters',
        },
      ]);
    }
    const spec = this.validate(document);
    const unavailable = await this.availabilityProblems(spec);
    if (unavailable.length && !options.allowUnavailable) {
      // 422: the body is well-formed, but it names an adapter this service cannot run; nothing is stored.
      throw new BrokerError(
        BrokerErrorCode.Invalid,
        `${unavailable.length === 1 ? `${unavailable[0].path}: ${unavailable[0].message}` : `${unavailable.length} profiles cannot work here`}` +
          ' (add ?allowUnavailable=true to store the environment anyway, e.g. before installing what is missing)',
        unavailable,
      );
    }
    const stored = options.dryRun ? await this.wouldStore(name, spec) : await this.environments.put({ name, ...spec });
    const warnings = unavailable.map((p) => ({
      path: p.path,
      message: `${p.message} (stored because allowUnavailable=true; applications using it are refused until it is available)`,
    }));
    return { ...stored, warnings };
  }

  /** What `put` would store, without storing it (dry run): the existing row's creation time is kept. */
  private async wouldStore(
    name: string,
    spec: Omit<EnvironmentSpec, 'name'>,
  ): Promise<{ environment: EnvironmentEntity; created: boolean }> {
    const existing = await this.environments.find(name);
    const now = new Date();
    const environment = Object.assign(new EnvironmentEntity(), {
      name,
      provider: spec.provider,
      profiles: spec.profiles ?? {},
      runtime: spec.runtime,
      labels: spec.labels ?? {},
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    return { environment, created: !existing };
  }

  /** Checks a PUT body completely, reporting every problem with its JSON pointer. */
  validate(document: unknown): Omit<EnvironmentSpec, 'name'> {
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw new BrokerError(BrokerErrorCode.Invalid, 'invalid environment', [
        { path: '', message: 'must be an object' },
      ]);
    }
    const forbidden = forbiddenKeyProblems(document);
    if (forbidden.length) throw new BrokerError(BrokerErrorCode.Invalid, 'invalid environment', forbidden);

    const validatorOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
    const body = plainToInstance(EnvironmentBodyDto, document);
    const problems: ValidationProblem[] = validationProblems(validateSync(body, validatorOptions));

    const checkKind = (value: unknown, allowed: readonly string[], path: string) => {
      if (typeof value === 'string' && value !== '' && !allowed.includes(value)) {
        problems.push({ path, message: `must be one of ${allowed.join(', ')}` });
      }
    };
    const raw = document as { provider?: { kind?: unknown }; runtime?: { kind?: unknown }; profiles?: unknown };
    checkKind(raw.provider?.kind, this.providers.kinds(), '/provider/kind');
    checkKind(raw.runtime?.kind, this.runtimes.kinds(), '/runtime/kind');

    const profiles: Record<string, ProviderProfile> = {};
    if (raw.profiles && typeof raw.profiles === 'object' && !Array.isArray(raw.profiles)) {
      for (const [profileName, value] of Object.entries(raw.profiles)) {
        const base = ['profiles', profileName];
        if (!isDns1123Label(profileName)) {
          problems.push({ path: jsonPointer(...base), message: 'profile names must be DNS-1123 labels' });
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          problems.push({ path: jsonPointer(...base), message: 'must be an object with kind and settings' });
          continue;
        }
        const profile = plainToInstance(ProviderProfileDto, value);
        problems.push(...validationProblems(validateSync(profile, validatorOptions), base));
        checkKind((value as { kind?: unknown }).kind, this.providers.kinds(), jsonPointer(...base, 'kind'));
        problems.push(...this.profileProblems(value as { kind?: unknown; settings?: unknown }, base));
        profiles[profileName] = { kind: String(profile.kind), settings: profile.settings ?? {} };
      }
    }
    if (raw.provider && typeof raw.provider === 'object') {
      problems.push(...this.profileProblems(raw.provider as { kind?: unknown; settings?: unknown }, ['provider']));
    }
    problems.push(...this.runtimeProblems(raw.runtime as { kind?: unknown; settings?: unknown } | undefined));
    problems.push(...labelProblems((document as { labels?: unknown }).labels, ['labels']));
    if (problems.length) {
      throw new BrokerError(
        BrokerErrorCode.Invalid,
        problems.length === 1 ? `${problems[0].path}: ${problems[0].message}` : `${problems.length} problems`,
        problems,
      );
    }
    return {
      provider: { kind: body.provider.kind, settings: body.provider.settings ?? {} },
      profiles,
      runtime: { kind: body.runtime.kind, settings: body.runtime.settings ?? {} },
      labels: { ...(body.labels ?? {}) },
    };
  }
}
