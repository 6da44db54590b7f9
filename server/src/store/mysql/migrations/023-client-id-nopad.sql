-- Client ids and key ids compare byte for byte (NO PAD), as usernames do since 021: with utf8mb4_bin, MariaDB
-- ignored trailing spaces, so a token request for client_id 'app   ' found and was issued a token as 'app'
-- (issue 15, sibling of item 3). Registered ids never end in spaces, so existing rows keep matching.
ALTER TABLE auth_client MODIFY client_id VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE auth_key MODIFY kid VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
