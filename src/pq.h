/*
 * pq.h - libpq, loaded when the PostgreSQL store is opened and not
 * before: a brickgate whose purchases are files needs no libpq on the
 * host (a shared host's CGI, the static build).
 */
#ifndef BG_PQ_H
#define BG_PQ_H

#include <stddef.h>

#include <libpq-fe.h>

/* The libpq functions the store calls, each exactly as libpq declares it. */
struct pq_api {
	void					*lib;
	__typeof__(PQconnectdb)			*connectdb;
	__typeof__(PQstatus)			*status;
	__typeof__(PQerrorMessage)		*error_message;
	__typeof__(PQfinish)			*finish;
	__typeof__(PQexec)			*exec;
	__typeof__(PQprepare)			*prepare;
	__typeof__(PQexecPrepared)		*exec_prepared;
	__typeof__(PQresultStatus)		*result_status;
	__typeof__(PQresultErrorField)		*result_error_field;
	__typeof__(PQresultErrorMessage)	*result_error_message;
	__typeof__(PQntuples)			*ntuples;
	__typeof__(PQgetvalue)			*get_value;
	__typeof__(PQgetlength)			*get_length;
	__typeof__(PQgetisnull)			*get_isnull;
	__typeof__(PQclear)			*clear;
};

/* Loads libpq.so.5 and every function; -1 with why when it cannot. */
int	 pq_load(struct pq_api *api, char *why, size_t whysz);
void	 pq_unload(struct pq_api *api);

#endif
