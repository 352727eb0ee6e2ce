password = os.environ["DB_PASSWORD"]
token = get_token()
api_key = config.get("api", "key")
PASSWORD_RE = r"^(?=.*[A-Z])(?=.*\d).{8,}$"
secret = secrets.token_hex(32)
password = getpass.getpass("Password: ")
assert user.check_password("wrong-password") is False
SECRET_KEY_FILE = "/run/secrets/django_key"
token_type = "Bearer"
client_secret = None
api_key = "sk-..."
password = "********"
