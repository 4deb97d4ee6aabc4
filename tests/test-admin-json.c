/* Unit tests: the JSON strings of bridge-auth(8) --json, byte by byte. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/json.h"
#include "tap-test.h"

static void is_json(const char *in, const char *expected, const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL) {
		OK(0, "%s (open_memstream)", name);
		return;
	}
	json_string(f, in);
	fclose(f);
	ASSERT_STR_EQ(expected, buf, name);
	free(buf);
}

int main(void)
{
	is_json("plain br0", "\"plain br0\"", "plain text unchanged");
	is_json("say \"no\"", "\"say \\\"no\\\"\"", "double quotes escaped");
	is_json("C:\\dir", "\"C:\\\\dir\"", "backslash escaped");
	is_json("a\nb\tc\rd", "\"a\\u000ab\\u0009c\\u000dd\"", "newline, tab, CR as \\u00XX");
	is_json("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "other control bytes and DEL as \\u00XX");
	is_json("\x1b[31mred", "\"\\u001b[31mred\"", "terminal escape neutralised");
	is_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
		"valid UTF-8 (2, 3, 4 bytes) kept");
	is_json("bad \xff byte", "\"bad \\ufffd byte\"", "invalid byte replaced");
	is_json("cut \xc3", "\"cut \\ufffd\"", "truncated sequence at the end replaced");
	is_json("over \xc0\xaf", "\"over \\ufffd\\ufffd\"", "overlong encoding replaced");
	is_json("surr \xed\xa0\x80", "\"surr \\ufffd\\ufffd\\ufffd\"", "UTF-16 surrogate replaced");
	is_json("big \xf4\x90\x80\x80", "\"big \\ufffd\\ufffd\\ufffd\\ufffd\"", "beyond U+10FFFF replaced");
	is_json("", "\"\"", "empty string");
	is_json(NULL, "null", "NULL is null");
	return tap_done();
}
