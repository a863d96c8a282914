/*
 * Linked into every C test program by the runner (tests/c_api.rs): before main() runs, print
 * to standard error the path of the libmosquitto the dynamic linker mapped, so the runner can
 * fail a program that silently loaded another copy of the library than the one under test.
 *
 * Output (one line): "libmosquitto loaded from: PATH", or "(none)" if no libmosquitto is mapped.
 */
#include <stdio.h>
#include <string.h>

static void loadcheck_report(void) __attribute__((constructor));

static void loadcheck_report(void)
{
	char line[4096];
	char found[4096] = "(none)";
	FILE *maps = fopen("/proc/self/maps", "r");

	if(maps){
		while(fgets(line, sizeof(line), maps)){
			const char *path = strchr(line, '/');
			if(path && strstr(path, "/libmosquitto.so")){
				size_t len = strcspn(path, "\n");
				if(len >= sizeof(found)){
					len = sizeof(found) - 1;
				}
				memcpy(found, path, len);
				found[len] = '\0';
				break;
			}
		}
		fclose(maps);
	}
	fprintf(stderr, "libmosquitto loaded from: %s\n", found);
	fflush(stderr);
}
