-- Usernames compare byte for byte (NO PAD): with utf8mb4_bin, MariaDB ignored trailing spaces, so
-- `WHERE username = 'alice  '` found alice while the sign-in lockout counted 'alice  ' apart (issue 15, item 3).
-- Sign-in now normalizes the typed name (NFKC, trimmed, lowercase) and new usernames must already be in that form.
ALTER TABLE auth_user MODIFY username VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;

-- Existing usernames (ASCII by the old rule, never with spaces) become lowercase so their owners still sign in.
-- Two names differing only in case cannot both be lowercased: they are left as they are and cannot sign in
-- until an administrator renames one (SELECT username FROM auth_user WHERE username <> LOWER(username)).
UPDATE auth_user u SET u.username = LOWER(u.username)
  WHERE u.username <> LOWER(u.username)
    AND NOT EXISTS (SELECT 1 FROM auth_user o WHERE o.account_id <> u.account_id AND LOWER(o.username) = LOWER(u.username));
