/** The name a value is assigned to: annotated assignments name the variable, not its type. */
import { describe, expect, it } from 'vitest';
import { assignmentKey } from '../../src/detect/assignment-key.js';

const keyOf = (line: string) => assignmentKey(line, line.indexOf('VALUE'));

describe('assignmentKey', () => {
  it('plain assignments, keys, keyword arguments', () => {
    expect(keyOf('DB_PASSWORD = "VALUE"')).toBe('DB_PASSWORD');
    expect(keyOf('  "api_key": "VALUE",')).toBe('api_key');
    expect(keyOf('password: VALUE')).toBe('password');
    expect(keyOf('conn = connect(password="VALUE")')).toBe('password');
    expect(keyOf('export TOKEN=VALUE')).toBe('TOKEN');
  });

  it('annotated assignments and parameters (dataclass, BaseSettings, TypeScript): the name', () => {
    expect(keyOf('    api_token: str = "VALUE"')).toBe('api_token');
    expect(keyOf('    mongo_password: Optional[str] = "VALUE"')).toBe('mongo_password');
    expect(keyOf('    secret: SecretStr | None = "VALUE"')).toBe('secret');
    expect(keyOf('def fetch(token: str = "VALUE"):')).toBe('token');
    expect(keyOf("const apiKey: string = 'VALUE';")).toBe('apiKey');
  });

  it('a string subscript assigned to: the subscript', () => {
    expect(keyOf('os.environ["SLACK_BOT_TOKEN"] = "VALUE"')).toBe('SLACK_BOT_TOKEN');
    expect(keyOf("app.config['SECRET_KEY'] = 'VALUE'")).toBe('SECRET_KEY');
    expect(keyOf('settings[ "db.password" ] = "VALUE"')).toBe('password');
  });

  it('a user glued to the value in a connection string is not a key: the name before it is', () => {
    expect(keyOf('db, err := sql.Open("mysql", "root:VALUE@tcp(127.0.0.1:3306)/shop")')).toBeUndefined();
    expect(keyOf('MYSQL_DSN=orders:VALUE@unix(/run/mysqld.sock)/orders')).toBe('MYSQL_DSN');
    expect(keyOf('password:VALUE')).toBe('password'); // an INI option written with `:`
    expect(keyOf('{password:"VALUE"}')).toBe('password');
  });

  it('the default of an environment look-up: the variable it stands in for, not the name on the left', () => {
    expect(keyOf('SECRET_KEY = os.environ.get("SECRET_KEY") or "VALUE"')).toBe('SECRET_KEY');
    expect(keyOf("    SECRET_KEY = os.environ.get('SECRET_KEY') or 'VALUE'")).toBe('SECRET_KEY');
    expect(keyOf('password = os.getenv("PGPASSWORD", "VALUE")')).toBe('PGPASSWORD');
    expect(keyOf('DB_PASSWORD = environ.get("DB_PASSWORD", default="VALUE")')).toBe('DB_PASSWORD');
    expect(keyOf('os.environ.setdefault("API_TOKEN", "VALUE")')).toBe('API_TOKEN');
    expect(keyOf('token = ENV.fetch("GITHUB_TOKEN", "VALUE")')).toBe('GITHUB_TOKEN');
  });
});

