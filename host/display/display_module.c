/* Loads a display front end from vmm-display-NAME.so (display_module.h). */
#include "display_module.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The directory modules are looked for in: $VMM_MODULE_DIR, else vmm's own
 * (*from_env says which). 0, or -1 with a reason in err. */
static int module_dir(char *dir, size_t len, bool *from_env, char *err, size_t errlen)
{
	const char *env = getenv(DISPLAY_MODULE_DIR_ENV);
	*from_env = env && *env;
	if (*from_env) {
		snprintf(dir, len, "%s", env);
		return 0;
	}
	ssize_t n = readlink("/proc/self/exe", dir, len - 1);
	if (n <= 0 || (size_t)n >= len - 1) {
		snprintf(err, errlen, "cannot find vmm's own directory (/proc/self/exe); set %s",
			 DISPLAY_MODULE_DIR_ENV);
		return -1;
	}
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	return 0;
}

const struct display_frontend *display_module_load(const char *name, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], installed[PATH_MAX + 64], symbol[64];
	bool from_env;
	if (module_dir(dir, sizeof(dir), &from_env, err, errlen) < 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/vmm-display-%s.so", dir, name);
	/* Installed (make install): PREFIX/bin/vmm, PREFIX/lib/vmm/vmm-display-*.so.
	 * Relative to vmm, so that an installed tree can be moved (DESTDIR). When
	 * neither exists, the error names the first place. */
	snprintf(installed, sizeof(installed), "%s/../lib/vmm/vmm-display-%s.so", dir, name);
	if (!from_env && access(path, F_OK) != 0 && access(installed, F_OK) == 0)
		memcpy(path, installed, sizeof(path));
	snprintf(symbol, sizeof(symbol), "display_%s_frontend", name);

	/* Never closed: the front end's library may keep threads and atexit
	 * handlers of its own (SDL does); the process ends soon enough. */
	void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		/* dlerror() names the file and says what was wrong with it. */
		snprintf(err, errlen, "cannot load the %s display module: %s", name, dlerror());
		return NULL;
	}
	const struct display_frontend *fe = dlsym(handle, symbol);
	if (!fe) {
		snprintf(err, errlen, "%s has no %s: not a vmm display module", path, symbol);
		return NULL;
	}
	if (fe->abi != DISPLAY_FRONTEND_ABI) {
		snprintf(err, errlen, "%s was built for another version of vmm (interface %u, not %u)",
			 path, fe->abi, DISPLAY_FRONTEND_ABI);
		return NULL;
	}
	return fe;
}
