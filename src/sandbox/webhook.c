/*
 * webhook.c - notification bodies, signatures and delivery (libcurl).
 *
 * Delivery is one attempt per notification with a 5 s timeout: the
 * sandbox does not model Mercado Pago's 15-minute retries (a test would
 * not wait for them); every attempt is recorded for GET /__sandbox/webhooks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sandbox/util.h"
#include "sandbox/webhook.h"

int
wh_manifest(char *buf, size_t size, const char *data_id,
    const char *request_id, const char *ts)
{
	int n;

	n = snprintf(buf, size, "id:%s;request-id:%s;ts:%s;", data_id,
	    request_id, ts);
	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

int
wh_hmac_hex(const char *secret, const char *msg, char *hex)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)msg, strlen(msg), mac, &len) == NULL ||
	    len != 32)
		return -1;
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

int
wh_signature(const char *secret, const char *data_id,
    const char *request_id, const char *ts, char *buf, size_t size)
{
	char manifest[256], hex[65];
	int n;

	if (wh_manifest(manifest, sizeof(manifest), data_id, request_id,
	    ts) != 0 || wh_hmac_hex(secret, manifest, hex) != 0)
		return -1;
	n = snprintf(buf, size, "ts=%s,v1=%s", ts, hex);
	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

int
wh_url_is_loopback(const char *url)
{
	static const char *hosts[] = { "127.", "localhost", "[::1]" };
	const char *h;
	size_t i, n;

	if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		h = url + 8;
	else
		return 0;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		n = strlen(hosts[i]);
		if (strncasecmp(h, hosts[i], n) != 0)
			continue;
		/* "localhost.evil.example" is not loopback. */
		if (hosts[i][n - 1] == '.' || h[n] == ':' || h[n] == '/' ||
		    h[n] == '?' || h[n] == '\0')
			return 1;
	}
	return 0;
}

static void
enqueue(struct sb_store *st, const char *base, const struct sb_payment *p,
    const char *action)
{
	struct sb_hook *h;
	json_object *body, *data;
	char date[SB_DATE_LEN + 1], url[2048];
	int n;

	n = snprintf(url, sizeof(url), "%s%cdata.id=%lld&type=payment", base,
	    strchr(base, '?') ? '&' : '?', (long long)p->id);
	if (n < 0 || (size_t)n >= sizeof(url))
		return;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return;
	snprintf(h->data_id, sizeof(h->data_id), "%lld", (long long)p->id);
	snprintf(h->action, sizeof(h->action), "%s", action);
	sb_date(time(NULL), date);
	body = json_object_new_object();
	json_object_object_add(body, "id",
	    json_object_new_int64(st->next_notification_id++));
	json_object_object_add(body, "live_mode",
	    json_object_new_boolean(0));
	json_object_object_add(body, "type", json_object_new_string("payment"));
	json_object_object_add(body, "date_created",
	    json_object_new_string(date));
	json_object_object_add(body, "user_id",
	    json_object_new_int64(st->cfg->collector_id));
	json_object_object_add(body, "api_version",
	    json_object_new_string("v1"));
	json_object_object_add(body, "action", json_object_new_string(action));
	data = json_object_new_object();
	json_object_object_add(data, "id", json_object_new_string(h->data_id));
	json_object_object_add(body, "data", data);
	h->body = sb_jdump(body);
	json_object_put(body);
	h->url = strdup(url);
	if (h->body == NULL || h->url == NULL) {
		free(h->body);
		free(h->url);
		free(h);
		return;
	}
	if (st->hook_tail)
		st->hook_tail->next = h;
	else
		st->hook_head = h;
	st->hook_tail = h;
	pthread_cond_signal(&st->hook_cv);
}

void
wh_notify(struct sb_store *st, const struct sb_payment *p, const char *action)
{
	if (st->cfg->webhook_url != NULL)
		enqueue(st, st->cfg->webhook_url, p, action);
	if (p->notification_url != NULL &&
	    wh_url_is_loopback(p->notification_url) &&
	    (st->cfg->webhook_url == NULL ||
	    strcmp(p->notification_url, st->cfg->webhook_url) != 0))
		enqueue(st, p->notification_url, p, action);
}

static size_t
discard(char *ptr, size_t size, size_t n, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * n;
}

static void
deliver(struct sb_store *st, CURL *curl, struct sb_hook *h)
{
	struct curl_slist *hdrs = NULL;
	struct sb_delivery d;
	char line[256], ts[24];
	long code = 0;

	memset(&d, 0, sizeof(d));
	sb_uuid(d.request_id);
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs,
	    "User-Agent: MercadoPago WebHook v1.0 payment");
	snprintf(line, sizeof(line), "x-request-id: %s", d.request_id);
	hdrs = curl_slist_append(hdrs, line);
	if (st->cfg->webhook_secret != NULL &&
	    wh_signature(st->cfg->webhook_secret, h->data_id, d.request_id,
	    ts, d.signature, sizeof(d.signature)) == 0) {
		snprintf(line, sizeof(line), "x-signature: %s", d.signature);
		hdrs = curl_slist_append(hdrs, line);
	}
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, h->url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, h->body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(h->body));
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hdrs);
	fprintf(stderr, "brickgate-sandbox: webhook %s %s -> %ld\n",
	    h->action, h->data_id, code);

	store_lock(st);
	if (store_grow(&st->deliveries, &st->capdeliveries, st->ndeliveries,
	    sizeof(*st->deliveries)) == 0 && (d.url = strdup(h->url)) != NULL) {
		memcpy(d.action, h->action, sizeof(d.action));
		memcpy(d.data_id, h->data_id, sizeof(d.data_id));
		d.http_status = (int)code;
		st->deliveries[st->ndeliveries++] = d;
	}
	st->hook_busy = 0;
	store_unlock(st);
}

static void *
hook_main(void *arg)
{
	struct sb_store *st = arg;
	struct sb_hook *h;
	CURL *curl;

	curl = curl_easy_init();
	store_lock(st);
	for (;;) {
		while (st->hook_head == NULL && !st->hook_stop)
			pthread_cond_wait(&st->hook_cv, &st->mu);
		if ((h = st->hook_head) == NULL)
			break;
		st->hook_head = h->next;
		if (st->hook_head == NULL)
			st->hook_tail = NULL;
		st->hook_busy = 1;
		store_unlock(st);
		if (curl != NULL)
			deliver(st, curl, h);
		free(h->url);
		free(h->body);
		free(h);
		store_lock(st);
	}
	store_unlock(st);
	if (curl != NULL)
		curl_easy_cleanup(curl);
	return NULL;
}

int
wh_start(struct sb_store *st)
{
	return pthread_create(&st->hook_thread, NULL, hook_main, st) == 0 ?
	    0 : -1;
}

void
wh_stop(struct sb_store *st)
{
	store_lock(st);
	st->hook_stop = 1;
	pthread_cond_signal(&st->hook_cv);
	store_unlock(st);
	pthread_join(st->hook_thread, NULL);
}
