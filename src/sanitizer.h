/*
 * sanitizer.h - SANITIZER_BUILD is 1 in a build with AddressSanitizer
 * (configure --enable-sanitizers), whose runtime needs what a normal
 * build does without: larger stacks, and ptrace for LeakSanitizer.
 */
#ifndef BG_SANITIZER_H
#define BG_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER_BUILD	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER_BUILD	1
#endif
#endif
#ifndef SANITIZER_BUILD
#define SANITIZER_BUILD	0
#endif

#endif
