/**
 * PUBLIC CONTRACT of @berth/oam: parsing with limits, validation and normalization of OAM Applications, KubeVela
 * aliases, definitions (JSON Schema per type and trait), redaction and content hashing.
 */
export { OamError, OamErrorCode } from './errors/oam.error';
export type { Definition, DefinitionSummary, ParseOptions, ValidationContext, ValidationResult } from './oam.types';
export { DEFAULT_MAX_ALIASES, DEFAULT_MAX_DEPTH, parseDocument } from './parsing/parse-document';
export {
  DOCUMENT_MEDIA_TYPES,
  documentFormatOf,
  JSON_MEDIA_TYPES,
  YAML_MEDIA_TYPES,
  type DocumentFormat,
} from './parsing/media-type';
export { API_VERSION, KIND, validateApplication } from './validation/validate-application';
export { dnsLabelProblem, dnsSubdomainProblem } from './validation/dns-names';
export { redactDocument } from './redaction/redact-document';
export { redactSourceText, type RedactSourceOptions } from './redaction/redact-source-text';
export { contentHash } from './hashing/content-hash';
export { getDefinition, listDefinitions } from './definitions/definition-registry';
export { closestMatch, didYouMean } from '@berth/core';
