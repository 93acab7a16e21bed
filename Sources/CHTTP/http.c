// libcurl behind dlopen. imgmake does not link libcurl: `--remote-cache` loads it on its first request
// (libcurl.so.4, Debian's libcurl4, or its GnuTLS flavour), so that builds without a remote cache, no-ops,
// --version and the completions map none of it. The few functions and option numbers used are declared here
// by hand (curl/curl.h is not needed to build imgmake); the numbers are libcurl's stable ABI (CURLOPT_* are
// type base + number, unchanged since libcurl 7).
#include "chttp.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// CURLOPTTYPE_LONG 0, OBJECTPOINT 10000, FUNCTIONPOINT 20000, OFF_T 30000.
enum {
	OPT_WRITEDATA = 10001,
	OPT_URL = 10002,
	OPT_READDATA = 10009,
	OPT_ERRORBUFFER = 10010,
	OPT_WRITEFUNCTION = 20011,
	OPT_READFUNCTION = 20012,
	OPT_USERAGENT = 10018,
	OPT_HTTPHEADER = 10023,
	OPT_CUSTOMREQUEST = 10036,
	OPT_NOBODY = 44,
	OPT_UPLOAD = 46,
	OPT_NOSIGNAL = 99,
	OPT_INFILESIZE_LARGE = 30115,
	OPT_TIMEOUT_MS = 155,
	OPT_CONNECTTIMEOUT_MS = 156,
	INFO_RESPONSE_CODE = 0x200000 + 2,
	GLOBAL_DEFAULT = 3,
	ERROR_SIZE = 256,  // CURL_ERROR_SIZE
};

typedef void CURL;
struct curl_slist;
typedef int (*global_init_fn)(long);
typedef CURL *(*easy_init_fn)(void);
typedef void (*easy_reset_fn)(CURL *);
typedef int (*easy_setopt_fn)(CURL *, int, ...);
typedef int (*easy_perform_fn)(CURL *);
typedef int (*easy_getinfo_fn)(CURL *, int, ...);
typedef const char *(*easy_strerror_fn)(int);
typedef struct curl_slist *(*slist_append_fn)(struct curl_slist *, const char *);

static struct {
	global_init_fn global_init;
	easy_init_fn easy_init;
	easy_reset_fn easy_reset;
	easy_setopt_fn easy_setopt;
	easy_perform_fn easy_perform;
	easy_getinfo_fn easy_getinfo;
	easy_strerror_fn easy_strerror;
	slist_append_fn slist_append;
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[400];
static struct curl_slist *headers;  // "Expect:": no 100-continue round trip before a PUT's body

static void load(void) {
	static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl-nss.so.4"};
	void *handle = NULL;
	for (size_t index = 0; index < sizeof names / sizeof names[0] && !handle; index++)
		handle = dlopen(names[index], RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(load_error, sizeof load_error, "libcurl.so.4 cannot be loaded (%s): install libcurl4", dlerror());
		return;
	}
#define BIND(field, name)                                                                                      \
	if (!(*(void **)&curl.field = dlsym(handle, name))) {                                                      \
		snprintf(load_error, sizeof load_error, "libcurl has no %s", name);                                    \
		return;                                                                                                \
	}
	BIND(global_init, "curl_global_init")
	BIND(easy_init, "curl_easy_init")
	BIND(easy_reset, "curl_easy_reset")
	BIND(easy_setopt, "curl_easy_setopt")
	BIND(easy_perform, "curl_easy_perform")
	BIND(easy_getinfo, "curl_easy_getinfo")
	BIND(easy_strerror, "curl_easy_strerror")
	BIND(slist_append, "curl_slist_append")
#undef BIND
	if (curl.global_init(GLOBAL_DEFAULT) != 0) {
		snprintf(load_error, sizeof load_error, "libcurl could not start (curl_global_init)");
		return;
	}
	headers = curl.slist_append(NULL, "Expect:");
}

typedef struct {
	unsigned char *data;
	size_t length, capacity;
	int failed;
} buffer;

static size_t write_body(char *data, size_t size, size_t count, void *context) {
	buffer *body = context;
	size_t bytes = size * count;
	if (body->length + bytes > body->capacity) {
		size_t capacity = body->capacity ? body->capacity : 16384;
		while (capacity < body->length + bytes) capacity *= 2;
		unsigned char *grown = realloc(body->data, capacity);
		if (!grown) {
			body->failed = 1;
			return 0;  // libcurl stops the transfer
		}
		body->data = grown;
		body->capacity = capacity;
	}
	memcpy(body->data + body->length, data, bytes);
	body->length += bytes;
	return bytes;
}

typedef struct {
	const unsigned char *data;
	size_t length, offset;
} source;

static size_t read_body(char *data, size_t size, size_t count, void *context) {
	source *body = context;
	size_t bytes = size * count;
	if (bytes > body->length - body->offset) bytes = body->length - body->offset;
	memcpy(data, body->data + body->offset, bytes);
	body->offset += bytes;
	return bytes;
}

// One handle per thread, kept: its connection to the server is reused by the next request.
static __thread CURL *thread_handle;

int chttp_request(const char *method, const char *url, const unsigned char *body, size_t length, long timeout_ms,
	const char *user_agent, chttp_response *response) {
	memset(response, 0, sizeof *response);
	pthread_once(&load_once, load);
	if (load_error[0]) {
		snprintf(response->error, sizeof response->error, "%s", load_error);
		return -1;
	}
	if (!thread_handle && !(thread_handle = curl.easy_init())) {
		snprintf(response->error, sizeof response->error, "libcurl could not make a handle");
		return -2;
	}
	CURL *handle = thread_handle;
	curl.easy_reset(handle);
	char errors[ERROR_SIZE] = "";
	buffer received = {0};
	source sent = {body, length, 0};
	curl.easy_setopt(handle, OPT_URL, url);
	curl.easy_setopt(handle, OPT_NOSIGNAL, 1L);
	curl.easy_setopt(handle, OPT_ERRORBUFFER, errors);
	curl.easy_setopt(handle, OPT_TIMEOUT_MS, timeout_ms);
	curl.easy_setopt(handle, OPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl.easy_setopt(handle, OPT_USERAGENT, user_agent);
	curl.easy_setopt(handle, OPT_HTTPHEADER, headers);
	curl.easy_setopt(handle, OPT_WRITEFUNCTION, write_body);
	curl.easy_setopt(handle, OPT_WRITEDATA, &received);
	if (strcmp(method, "HEAD") == 0) {
		curl.easy_setopt(handle, OPT_NOBODY, 1L);
	} else if (strcmp(method, "PUT") == 0) {
		curl.easy_setopt(handle, OPT_UPLOAD, 1L);
		curl.easy_setopt(handle, OPT_READFUNCTION, read_body);
		curl.easy_setopt(handle, OPT_READDATA, &sent);
		curl.easy_setopt(handle, OPT_INFILESIZE_LARGE, (long long)length);
	} else if (strcmp(method, "GET") != 0) {
		curl.easy_setopt(handle, OPT_CUSTOMREQUEST, method);
	}
	int code = curl.easy_perform(handle);
	if (code != 0) {
		free(received.data);
		const char *reason = received.failed ? "out of memory for the answer" : (errors[0] ? errors : curl.easy_strerror(code));
		snprintf(response->error, sizeof response->error, "%s", reason);
		return -2;
	}
	curl.easy_getinfo(handle, INFO_RESPONSE_CODE, &response->status);
	response->body = received.data;
	response->length = received.length;
	return 0;
}

void chttp_response_free(chttp_response *response) {
	free(response->body);
	response->body = NULL;
	response->length = 0;
}
