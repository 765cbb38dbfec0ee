/*
 * A check two harnesses share: `config show` for the settings the app fake
 * holds, pasted back line by line into an appliance with factory settings,
 * gives the same settings, but for what config show does not show (the
 * time of the last set, a MAC the appliance chose itself, the parameters
 * of a rate limit or strict mode that is off), and no key: those are
 * named in comments, one per key held, never with a secret. Re-initialises
 * the console and leaves the app with no keys.
 */
#ifndef TESTS_FUZZ_SHOW_PASTE_H
#define TESTS_FUZZ_SHOW_PASTE_H

void show_paste_check(void);

#endif /* TESTS_FUZZ_SHOW_PASTE_H */
