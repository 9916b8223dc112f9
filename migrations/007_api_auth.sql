-- API access control: users with one role each, browser sessions and API tokens for integrations.
-- Secrets are never stored: passwords as scrypt hashes with a per-user salt, session ids and API
-- tokens as SHA-256 digests of 32 random bytes (services/api/auth/). The scope of a user follows
-- from the role: an account manager sees the accounts of managers.id = users.manager_id, a
-- customer only users.account_id; dispatcher, ops and admin see the whole fleet.

CREATE TABLE users (
  id             serial PRIMARY KEY,
  username       text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{1,63}$'),
  display_name   text NOT NULL DEFAULT '',
  role           text NOT NULL CHECK (role IN ('dispatcher', 'account_manager', 'ops', 'customer', 'admin')),
  manager_id     integer REFERENCES managers (id) ON DELETE RESTRICT,
  account_id     integer REFERENCES accounts (id) ON DELETE RESTRICT,
  CHECK ((role = 'account_manager') = (manager_id IS NOT NULL)),
  CHECK ((role = 'customer') = (account_id IS NOT NULL)),
  -- 'scrypt$N$r$p$salt$hash' (base64url); NULL = cannot log in with a password (token-only user)
  password_hash  text CHECK (password_hash IS NULL OR password_hash LIKE 'scrypt$%'),
  locale         text NOT NULL DEFAULT 'zh' CHECK (locale IN ('zh', 'en')),
  -- created by the demo start-up; its password is replaced at every demo start
  demo           boolean NOT NULL DEFAULT false,
  disabled       boolean NOT NULL DEFAULT false,
  last_login_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_manager_idx ON users (manager_id) WHERE manager_id IS NOT NULL;

CREATE TABLE sessions (
  -- SHA-256 of the random session id held in the HttpOnly cookie
  id_hash       bytea PRIMARY KEY CHECK (length(id_hash) = 32),
  user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
  id            serial PRIMARY KEY,
  user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- SHA-256 of the token; the token itself is shown once, at creation
  token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  -- first characters of the token, so an operator can tell tokens apart
  token_prefix  text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
