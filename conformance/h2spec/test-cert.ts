// The tests' TLS certificate, in a module of its own: importing it starts nothing (reference-server.ts starts a
// server when run directly, and so did any bundle that pulled it in, such as bench/server.ts's app).

/** Self-signed P-256 certificate for localhost / 127.0.0.1, for tests only (the client never verifies). */
export const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQuLw1XgfKWil78rJ
RB53NdYKeGTO4dG5U4gJNFTj55ihRANCAAR/qjf9xbVT1d+oORQTzNlPBtVGeub2
GfvK3zLvBOwdNO8bHzW/YONaLqs/RwUHVokw0y70h61NdPD/mpR9SAIG
-----END PRIVATE KEY-----
`;
export const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUXo9NRcu518iGjR0JzM2Ao6gnLWwwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjExMjAzNloYDzIxMjYxMDI5
MTEyMDM2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAR/qjf9xbVT1d+oORQTzNlPBtVGeub2GfvK3zLvBOwdNO8bHzW/YONa
Lqs/RwUHVokw0y70h61NdPD/mpR9SAIGo28wbTAdBgNVHQ4EFgQU4qHwlbsT1rw2
/YeYUZUxw3EVkcowHwYDVR0jBBgwFoAU4qHwlbsT1rw2/YeYUZUxw3EVkcowDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIhAL59miz9cZgqBlAYtNfFtHGDgr4TA1uNAt7b6nNn09anAiAE
VVipyaeq9kXddCuWcOoEFdur2elIoqTvwRZGlaAJ0A==
-----END CERTIFICATE-----
`;
