# The course's disk check, as its Makefile has it: run the emulated-ATA
# exercise (guest/programs/test_disk_emul.c) on a fresh 256 KiB image and
# compare the result with tests/disk_ref.raw byte for byte. tests/disk_ref.raw
# is built from the exercise's specification by tests/tools/mkdiskref.py
# (`make disk-ref` rebuilds it); tests/integration/disk.sh checks both agree.

DISK_COURSE_IMG := $(BUILD)/disk_course.raw

.PHONY: test_all disk-course disk-ref
test_all: test disk-course

disk-course: all
	rm -f $(DISK_COURSE_IMG)
	truncate -s 256K $(DISK_COURSE_IMG)
	$(VMM) -mode protected -guest $(BUILD)/guest/test_disk_emul-protected.bin \
		-disk $(DISK_COURSE_IMG) -timeout 60
	cmp $(DISK_COURSE_IMG) tests/disk_ref.raw
	@echo "disk: $(DISK_COURSE_IMG) equals tests/disk_ref.raw"

disk-ref:
	python3 tests/tools/mkdiskref.py course tests/disk_ref.raw
