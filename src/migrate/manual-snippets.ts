/**
 * Languages migrate has no rewriter for (Go, PHP, Ruby, Java, Kotlin, C#): their places stay manual, and the
 * report hands the user the code to finish the job: one small function per language that reads a JSON
 * secret's field through the AWS SDK's default credential, region and endpoint chain (so
 * `AWS_ENDPOINT_URL` works as it does for the Python and Node helpers), and the call for each place.
 */
import path from 'node:path';

export interface ManualLanguage {
  name: string;
  /** The SDK package to add, as its own package manager names it. */
  dependency: string;
  /** The Markdown code fence's language for the helper. */
  fence: string;
  /** The helper function, written once per project. */
  helper: string;
  /** The expression that replaces the literal at one place. */
  call(secretName: string, jsonKey: string): string;
  /** What else changes where a literal becomes a call. */
  note?: string;
}

const q = (s: string) => JSON.stringify(s);
/** PHP and Ruby single-quoted literals: only `\` and `'` are special. */
const sq = (s: string) => `'${s.replace(/[\\']/g, (c) => '\\' + c)}'`;

const GO: ManualLanguage = {
  name: 'Go', fence: 'go',
  dependency: 'go get github.com/aws/aws-sdk-go-v2/config github.com/aws/aws-sdk-go-v2/service/secretsmanager',
  helper: `import (
	"context"
	"encoding/json"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

var secretCache sync.Map

// secretField returns one field of a JSON secret in AWS Secrets Manager, fetched once per process.
func secretField(name, key string) string {
	fields, ok := secretCache.Load(name)
	if !ok {
		ctx := context.Background()
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			panic("secret " + name + ": " + err.Error())
		}
		out, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)})
		if err != nil {
			panic("secret " + name + ": " + err.Error())
		}
		m := map[string]string{}
		if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &m); err != nil {
			panic("secret " + name + " is not a JSON object of strings")
		}
		fields, _ = secretCache.LoadOrStore(name, m)
	}
	return fields.(map[string]string)[key]
}`,
  call: (n, k) => `secretField(${q(n)}, ${q(k)})`,
  note: 'A `const` that held the literal becomes a `var` (a call is not a constant expression).',
};

const PHP: ManualLanguage = {
  name: 'PHP', fence: 'php',
  dependency: 'composer require aws/aws-sdk-php',
  helper: `<?php
use Aws\\SecretsManager\\SecretsManagerClient;

/** One field of a JSON secret in AWS Secrets Manager, fetched once per request. */
function secret_field(string $name, string $key): string
{
    static $cache = [];
    if (!isset($cache[$name])) {
        $region = getenv('AWS_REGION') ?: getenv('AWS_DEFAULT_REGION');
        $client = new SecretsManagerClient(['version' => '2017-10-17'] + ($region ? ['region' => $region] : []));
        $cache[$name] = json_decode($client->getSecretValue(['SecretId' => $name])['SecretString'], true, 512, JSON_THROW_ON_ERROR);
    }
    return $cache[$name][$key];
}`,
  call: (n, k) => `secret_field(${sq(n)}, ${sq(k)})`,
};

const RUBY: ManualLanguage = {
  name: 'Ruby', fence: 'ruby',
  dependency: "gem 'aws-sdk-secretsmanager' (Gemfile), then bundle install",
  helper: `require 'aws-sdk-secretsmanager'
require 'json'

# One field of a JSON secret in AWS Secrets Manager, fetched once per process.
def secret_field(name, key)
  @secret_fields ||= {}
  @secret_fields[name] ||= JSON.parse(Aws::SecretsManager::Client.new.get_secret_value(secret_id: name).secret_string)
  @secret_fields[name].fetch(key)
end`,
  call: (n, k) => `secret_field(${sq(n)}, ${sq(k)})`,
};

const JAVA: ManualLanguage = {
  name: 'Java', fence: 'java',
  dependency: 'software.amazon.awssdk:secretsmanager and com.fasterxml.jackson.core:jackson-databind (Maven or Gradle)',
  helper: `// Secrets.java
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

public final class Secrets {
    private static final Map<String, JsonNode> CACHE = new ConcurrentHashMap<>();

    /** One field of a JSON secret in AWS Secrets Manager, fetched once per process. */
    public static String field(String name, String key) {
        return CACHE.computeIfAbsent(name, n -> {
            try (SecretsManagerClient client = SecretsManagerClient.create()) {
                String json = client.getSecretValue(GetSecretValueRequest.builder().secretId(n).build()).secretString();
                return new ObjectMapper().readTree(json);
            } catch (Exception e) {
                throw new IllegalStateException("secret " + n + ": " + e.getMessage(), e);
            }
        }).get(key).asText();
    }
}`,
  call: (n, k) => `Secrets.field(${q(n)}, ${q(k)})`,
};

/** Kotlin calls the Java class as it is (saved as Secrets.java in the same source set). */
const KOTLIN: ManualLanguage = { ...JAVA, name: 'Kotlin' };

const CSHARP: ManualLanguage = {
  name: 'C#', fence: 'csharp',
  dependency: 'dotnet add package AWSSDK.SecretsManager',
  helper: `using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.SecretsManager;
using Amazon.SecretsManager.Model;

public static class Secrets
{
    private static readonly ConcurrentDictionary<string, JsonElement> Cache = new();

    /// <summary>One field of a JSON secret in AWS Secrets Manager, fetched once per process.</summary>
    public static string Field(string name, string key) =>
        Cache.GetOrAdd(name, n =>
        {
            using var client = new AmazonSecretsManagerClient();
            var value = client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = n }).GetAwaiter().GetResult();
            return JsonDocument.Parse(value.SecretString).RootElement.Clone();
        }).GetProperty(key).GetString()!;
}`,
  call: (n, k) => `Secrets.Field(${q(n)}, ${q(k)})`,
  note: 'A `const string` that held the literal becomes `static readonly string` (a call is not a constant expression).',
};

const BY_EXTENSION: Record<string, ManualLanguage> = {
  '.go': GO, '.php': PHP, '.rb': RUBY, '.rake': RUBY, '.java': JAVA, '.kt': KOTLIN, '.kts': KOTLIN, '.cs': CSHARP,
};

/** The language of a source file migrate leaves manual, when the report can show how to read a secret in it. */
export function manualLanguageOf(file: string): ManualLanguage | undefined {
  return BY_EXTENSION[path.extname(file).toLowerCase()];
}
