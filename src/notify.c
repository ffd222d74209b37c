/*
 * notify.c - once, however brickgate learns of the approval: the run is
 * made under the purchase's lock, after paid_notified_at was read under
 * it, so a webhook, a reload, reconcile and a second host each find
 * the record of the run before them.  Only a crash between the hook's
 * success and its record makes it run again (doc/design.md).
 */
#include <stdio.h>
#include <string.h>

#include "notify.h"
#include "timefmt.h"

/* The payment on_paid is about: approved, and the purchase's. */
static const struct attempt *
approved(const struct purchase *p)
{
	size_t i;

	for (i = 0; i < p->c.n_attempts; i++)
		if (p->c.attempts[i]->status != NULL &&
		    strcmp(p->c.attempts[i]->status, "approved") == 0 &&
		    !p->c.attempts[i]->mismatch)
			return p->c.attempts[i];
	return NULL;
}

int
purchase_owes_notice(const struct purchase *p)
{
	return p->cfg->on_paid != NULL && p->loaded &&
	    p->c.paid_notified_at == 0 && approved(p) != NULL;
}

int
purchase_notify(struct purchase *p, const struct notifier *n)
{
	const struct attempt *a;
	struct paid_note note;
	struct bg_error e;
	char how_text[48];
	int how, rc;

	if (!purchase_owes_notice(p))
		return 0;
	a = approved(p);
	memset(&note, 0, sizeof(note));
	snprintf(note.purchase_id, sizeof(note.purchase_id), "%s", p->c.id);
	snprintf(note.payment_id, sizeof(note.payment_id), "%lld",
	    (long long)a->payment_id);
	snprintf(note.amount, sizeof(note.amount), "%s", p->c.amount_text);
	bg_error_clear(&e);
	rc = n->runner != NULL ? on_paid_ask(n->runner, n->slot, &note, &how,
	    &e) : on_paid_exec(p->cfg->on_paid, &note, &how, &e);
	if (rc == -1) {
		log_msg(p->log, CFG_LOG_ERROR, "purchase %s: on_paid not run: "
		    "%s; reconcile runs it again", p->c.id, e.message);
		return -1;
	}
	if (how != 0) {
		on_paid_how(how, how_text, sizeof(how_text));
		log_msg(p->log, CFG_LOG_ERROR, "purchase %s: on_paid failed "
		    "(%s); reconcile runs it again", p->c.id, how_text);
		return -1;
	}
	p->c.paid_notified_at = now_ms();
	if (purchase_save(p, &e) == -1) {
		log_msg(p->log, CFG_LOG_ERROR, "purchase %s: on_paid succeeded "
		    "but that was not recorded; it may run again", p->c.id);
		return -1;
	}
	log_msg(p->log, CFG_LOG_INFO, "purchase %s: on_paid done", p->c.id);
	return 1;
}
