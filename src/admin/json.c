#include "config.h"

#include <stdio.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at P, or 0 (overlongs, surrogates, > U+10FFFF refused). */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned long cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	while (*p) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			putc('\\', out);
			putc(*p++, out);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
		} else if ((n = utf8_len(p)) == 0) {
			fputs("\\ufffd", out);
			p++;
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
	putc('"', out);
}

void json_key(FILE *out, int first, const char *key)
{
	if (!first)
		putc(',', out);
	json_string(out, key);
	putc(':', out);
}

void json_member_str(FILE *out, int first, const char *key, const char *s)
{
	json_key(out, first, key);
	json_string(out, s);
}

void json_member_int(FILE *out, int first, const char *key, long long v)
{
	json_key(out, first, key);
	fprintf(out, "%lld", v);
}

void json_member_bool(FILE *out, int first, const char *key, int v)
{
	json_key(out, first, key);
	fputs(v ? "true" : "false", out);
}
