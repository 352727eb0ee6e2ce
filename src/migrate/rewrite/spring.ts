/**
 * Spring Boot configuration (`src/main/resources/application*.properties|yml`, `bootstrap*.…`): Spring
 * resolves `${VAR}` placeholders from the environment, but the build packs the file into the jar and
 * the application must then start under `secret-sweep run` (or read Secrets Manager itself through
 * Spring Cloud AWS): a change to how it is built and started, which migrate does not make on its own.
 * The value stays; the report gives both edits, with the property as written.
 */
import { envVarName } from '../backend/env-names.js';
import { smReference } from '../run-env.js';
import type { SecretReference } from './rewriter.js';

/** Spring Boot's own configuration files, where Maven and Gradle keep them. */
export function isSpringConfigPath(file: string): boolean {
  return /(^|\/)src\/main\/resources\/(config\/)?(application|bootstrap)(-[^/]+)?\.(properties|ya?ml)$/i.test(file);
}

/** The property name of line `line` (1-based) of a .properties text, when it reads as `key=value` / `key: value`. */
export function propertyAt(text: string, line: number): string | undefined {
  const m = /^\s*([^=:\s#!][^=:\s]*)\s*[=:\s]/.exec(text.split(/\r?\n/)[line - 1] ?? '');
  return m?.[1];
}

/** Why a Spring value stays, and the two edits that move it (`property`: its dotted name, when known). */
export function springManual(file: string, ref: SecretReference, property?: string): { reason: string; suggestion: string } {
  const variable = envVarName(ref.secretName, ref.jsonKey);
  const prop = property ? `\`${property}\`` : 'the property';
  return {
    reason: 'Spring Boot reads this file from the built jar and resolves only ${…} placeholders in it: the value can move out only with a change to how the application starts',
    suggestion: `either set ${prop} in ${file} to \`\${${variable}}\` (Spring reads it from the environment), add \`${variable}=${smReference(ref.secretName, ref.jsonKey)}\` to secret-sweep.refs and start the application with \`secret-sweep run -- java -jar …\` (tests too: \`secret-sweep run -- ./mvnw test\`); or add Spring Cloud AWS (io.awspring.cloud:spring-cloud-aws-starter-secrets-manager), \`spring.config.import=aws-secretsmanager:${ref.secretName}\`, and set ${prop} to \`\${${ref.jsonKey ?? 'KEY'}}\` (the secret's JSON keys become properties)`,
  };
}
