/* SPDX-License-Identifier: BSD-3-Clause */
/* PLACEHOLDER: the executor lands once the parser's header exists. */
#include <stdio.h>

#include "app.h"

int
app_exec_line(struct app *app, char *line, char *err, size_t errlen)
{
	(void)app;
	(void)line;
	snprintf(err, errlen, "Error: the shell is not built yet");
	return -1;
}
