/*
 * store.c - the in-memory store.
 */
#include <stdlib.h>
#include <string.h>

#include "sandbox/store.h"

/* Payment ids exceed 32 bits, as Mercado Pago's do (api doc 1.4). */
#define FIRST_PAYMENT_ID	91000000001LL
#define FIRST_NOTIFICATION_ID	120000000001LL
#define FIRST_REFUND_ID		1900000001LL

int
store_init(struct sb_store *st, const struct sb_config *cfg)
{
	memset(st, 0, sizeof(*st));
	st->cfg = cfg;
	st->next_payment_id = FIRST_PAYMENT_ID;
	st->next_notification_id = FIRST_NOTIFICATION_ID;
	st->next_refund_id = FIRST_REFUND_ID;
	if (pthread_mutex_init(&st->mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&st->hook_cv, NULL) != 0) {
		pthread_mutex_destroy(&st->mu);
		return -1;
	}
	return 0;
}

static void
log_entry_free(struct sb_reqlog *r)
{
	free(r->path);
	free(r->query);
	free(r->key);
	free(r->device);
	free(r->body);
}

void
store_free(struct sb_store *st)
{
	struct sb_hook *h, *next;
	size_t i;

	for (i = 0; i < st->npayments; i++) {
		free(st->payments[i]->external_reference);
		free(st->payments[i]->notification_url);
		json_object_put(st->payments[i]->obj);
		json_object_put(st->payments[i]->payer);
		free(st->payments[i]);
	}
	free(st->payments);
	free(st->tokens);
	for (i = 0; i < st->nidem; i++) {
		free(st->idem[i].who);
		free(st->idem[i].key);
		free(st->idem[i].body);
	}
	free(st->idem);
	for (i = 0; i < st->nprefs; i++)
		json_object_put(st->prefs[i]);
	free(st->prefs);
	store_log_clear(st);
	free(st->log);
	for (h = st->hook_head; h != NULL; h = next) {
		next = h->next;
		free(h->url);
		free(h->body);
		free(h);
	}
	for (i = 0; i < st->ndeliveries; i++)
		free(st->deliveries[i].url);
	free(st->deliveries);
	pthread_cond_destroy(&st->hook_cv);
	pthread_mutex_destroy(&st->mu);
}

void
store_lock(struct sb_store *st)
{
	pthread_mutex_lock(&st->mu);
}

void
store_unlock(struct sb_store *st)
{
	pthread_mutex_unlock(&st->mu);
}

int
store_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	void **p = arr;
	size_t ncap;
	void *np;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if ((np = realloc(*p, ncap * size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

struct sb_payment *
store_payment_new(struct sb_store *st)
{
	struct sb_payment *p;

	if (store_grow(&st->payments, &st->cappayments, st->npayments,
	    sizeof(*st->payments)) != 0)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->id = st->next_payment_id++;
	p->created = time(NULL);
	st->payments[st->npayments++] = p;
	return p;
}

struct sb_payment *
store_payment_find(struct sb_store *st, int64_t id)
{
	size_t i;

	for (i = 0; i < st->npayments; i++)
		if (st->payments[i]->id == id)
			return st->payments[i];
	return NULL;
}

struct sb_token *
store_token_new(struct sb_store *st)
{
	struct sb_token *t;

	if (store_grow(&st->tokens, &st->captokens, st->ntokens,
	    sizeof(*st->tokens)) != 0)
		return NULL;
	t = &st->tokens[st->ntokens++];
	memset(t, 0, sizeof(*t));
	t->created = time(NULL);
	return t;
}

struct sb_token *
store_token_find(struct sb_store *st, const char *id)
{
	size_t i;

	for (i = 0; i < st->ntokens; i++)
		if (strcmp(st->tokens[i].id, id) == 0)
			return &st->tokens[i];
	return NULL;
}

struct sb_idem *
store_idem_find(struct sb_store *st, const char *who, const char *key)
{
	size_t i;

	for (i = 0; i < st->nidem; i++)
		if (strcmp(st->idem[i].who, who) == 0 &&
		    strcmp(st->idem[i].key, key) == 0)
			return &st->idem[i];
	return NULL;
}

int
store_idem_put(struct sb_store *st, const char *who, const char *key,
    int status, const char *body)
{
	struct sb_idem *d;

	if (store_grow(&st->idem, &st->capidem, st->nidem,
	    sizeof(*st->idem)) != 0)
		return -1;
	d = &st->idem[st->nidem];
	d->who = strdup(who);
	d->key = strdup(key);
	d->body = strdup(body);
	d->status = status;
	if (d->who == NULL || d->key == NULL || d->body == NULL) {
		free(d->who);
		free(d->key);
		free(d->body);
		return -1;
	}
	st->nidem++;
	return 0;
}

int
store_pref_add(struct sb_store *st, json_object *pref)
{
	if (store_grow(&st->prefs, &st->capprefs, st->nprefs,
	    sizeof(*st->prefs)) != 0)
		return -1;
	st->prefs[st->nprefs++] = pref;
	return 0;
}

json_object *
store_pref_find(struct sb_store *st, const char *id)
{
	json_object *v;
	size_t i;

	for (i = 0; i < st->nprefs; i++)
		if (json_object_object_get_ex(st->prefs[i], "id", &v) &&
		    strcmp(json_object_get_string(v), id) == 0)
			return st->prefs[i];
	return NULL;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void
store_log(struct sb_store *st, const struct sb_reqinfo *in)
{
	struct sb_reqlog *r;

	if (store_grow(&st->log, &st->caplog, st->nlog, sizeof(*st->log)) != 0)
		return;
	r = &st->log[st->nlog++];
	memset(r, 0, sizeof(*r));
	strncpy(r->method, in->method, sizeof(r->method) - 1);
	r->path = dup_or_null(in->path);
	r->query = dup_or_null(in->query);
	r->key = dup_or_null(in->key);
	r->device = dup_or_null(in->device);
	r->body = dup_or_null(in->body);
	r->status = in->status;
	r->fault = in->fault;
}

void
store_log_clear(struct sb_store *st)
{
	size_t i;

	for (i = 0; i < st->nlog; i++)
		log_entry_free(&st->log[i]);
	st->nlog = 0;
}

static int
fault_matches(const struct sb_fault *f, const char *method, const char *path)
{
	size_t n = strlen(f->path);

	if (f->method[0] != '\0' && strcmp(f->method, method) != 0)
		return 0;
	if (n == 0)
		return 1;
	if (f->path[n - 1] == '*')
		return strncmp(f->path, path, n - 1) == 0;
	return strcmp(f->path, path) == 0;
}

int
store_fault_take(struct sb_store *st, const char *method, const char *path,
    struct sb_fault *out)
{
	size_t i;

	for (i = 0; i < st->nfaults; i++) {
		if (st->faults[i].count <= 0 ||
		    !fault_matches(&st->faults[i], method, path))
			continue;
		*out = st->faults[i];
		if (--st->faults[i].count == 0) {
			memmove(&st->faults[i], &st->faults[i + 1],
			    (st->nfaults - i - 1) * sizeof(st->faults[0]));
			st->nfaults--;
		}
		return 1;
	}
	return 0;
}
