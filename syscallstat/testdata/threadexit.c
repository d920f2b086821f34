/*
 * threadexit: a thread waits for a byte on stdin, then ends; the main
 * thread pauses. Nothing runs after the thread has ended, so the ended
 * thread is the last one a tracer resumed (TestCancelAfterThreadExit).
 * C rather than Go: the Go runtime wakes its other threads when one ends.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *reader(void *arg) {
	char c;
	(void)arg;
	if (read(0, &c, 1) < 0)
		return NULL;
	return NULL;
}

int main(void) {
	pthread_t t;
	if (pthread_create(&t, NULL, reader, NULL) != 0)
		return 1;
	pthread_detach(t);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
