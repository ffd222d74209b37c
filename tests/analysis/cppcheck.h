/*
 * cppcheck.h - what cppcheck needs to read src/ without the system's
 * headers (given with --include by tests/analyze).
 *
 * json-c's object iteration is a macro that declares its key and value
 * in a for statement; without its definition cppcheck stops at the
 * first use ("unknownMacro") and analyses nothing after it.  This one
 * declares the same two names, so the code around them is checked.
 */
#define json_object_object_foreach(obj, key, val) \
	for (char *key = json_object_iter_peek_name(obj); key != NULL; \
	    key = NULL) \
		for (struct json_object *val = json_object_iter_peek_value( \
		    obj); key != NULL; key = NULL)
