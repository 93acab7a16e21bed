#ifndef IMGMAKE_CHTTP_H
#define IMGMAKE_CHTTP_H
// HTTP requests through libcurl, loaded on first use (dlopen): `--remote-cache` needs it, nothing else does,
// so a build without a remote cache (and every no-op) maps no libcurl and its TLS libraries. See http.c.
#include <stddef.h>

/// What one request got: the status (0 when no answer came: then `error` says why), and the body (malloc'd,
/// NULL when empty; `chttp_response_free` frees it).
typedef struct {
	long status;
	unsigned char *body;
	size_t length;
	char error[512];
} chttp_response;

/// Sends `method` (GET, HEAD or PUT) to `url`, with `body` (`length` bytes) for PUT. Waits at most `timeout_ms`
/// for the connection and the whole exchange. Returns 0 when an answer came (any status), -1 when libcurl
/// cannot be loaded, -2 when the request failed (no connection, a timeout): `response->error` says why.
/// Thread-safe: each thread keeps its own connection (reused while the server keeps it open).
int chttp_request(const char *method, const char *url, const unsigned char *body, size_t length, long timeout_ms,
	const char *user_agent, chttp_response *response);

/// Frees a response's body.
void chttp_response_free(chttp_response *response);

#endif
