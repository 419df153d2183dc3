/* PV disk queue driver: the queue and its registration; the requests are
 * inline in ide_queue.h. One queue: SDK guests run one thread with
 * interrupts off. */
#include "ide_queue.h"

#include "hypercall.h"

struct disk_queue ide_queue;

int ide_queue_init(void)
{
	ide_queue.submitted = ide_queue.completed = 0;
	unsigned long long no_exit = 0;
	/* Virtual == physical for SDK guests. */
	int status = hypercall(HC_DISK_QUEUE, (uintptr_t)&ide_queue, 0, 0, 0, &no_exit);
	return status != HC_OK ? status : (int)no_exit;
}
