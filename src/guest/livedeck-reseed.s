# livedeck-reseed: the guest's half of "fresh after restore" (DESIGN.md "Saved states").
# Reads this domain's xenstore key livedeck/seed (written by dom0's guest-start right after
# `xl restore`, before the guest runs again), mixes it into the kernel's entropy pool and forces
# the CRNG to reseed, so copies restored from one saved state stop producing the same random bytes
# at once (writing to /dev/urandom only mixes; the CRNG would reseed seconds to a minute later).
# Prints the value on success; exits 1 when there is no seed (a cold-booted guest) or on any error.
# No libc: busybox guests have none to spare, and the ioctls need no more than raw syscalls.
# Built by the guest-initrd stage with binutils (as, ld) into a static binary of a few hundred bytes.

	.set SYS_read, 0
	.set SYS_write, 1
	.set SYS_open, 2
	.set SYS_ioctl, 16
	.set SYS_exit, 60
	.set O_WRONLY, 1
	.set O_RDWR, 2
	.set XS_READ, 2                 # xenbus message type (xen/io/xs_wire.h)
	.set RNDADDENTROPY, 0x40085203  # _IOW('R', 3, int[2]) (linux/random.h)
	.set RNDRESEEDCRNG, 0x5207      # _IO('R', 7)
	.set BUFSZ, 4096                # XENSTORE_PAYLOAD_MAX

	.section .rodata
xenbus:	.asciz "/dev/xen/xenbus"
urandom:
	.asciz "/dev/urandom"
# struct xsd_sockmsg { type, req_id, tx_id, len } + payload: a relative path is this domain's own.
request:
	.long XS_READ, 0, 0, keylen
key:	.asciz "livedeck/seed"
	.set keylen, . - key
	.set reqlen, . - request
newline:
	.ascii "\n"

	.bss
	.balign 8
reply:	.skip 16 + BUFSZ

	.text
	.globl _start
_start:
	mov $SYS_open, %eax
	lea xenbus(%rip), %rdi
	mov $O_RDWR, %esi
	syscall
	test %eax, %eax
	js fail
	mov %eax, %r12d

	mov $SYS_write, %eax
	mov %r12d, %edi
	lea request(%rip), %rsi
	mov $reqlen, %edx
	syscall
	cmp $reqlen, %rax
	jne fail

	# One read returns the reply's header and payload together (xenbus_dev_frontend queues both).
	mov $SYS_read, %eax
	mov %r12d, %edi
	lea reply(%rip), %rsi
	mov $16 + BUFSZ, %edx
	syscall
	cmp $16, %rax
	jl fail
	lea reply(%rip), %rbx
	cmpl $XS_READ, (%rbx)           # XS_ERROR: no such key (cold boot) or no access
	jne fail
	mov 12(%rbx), %r13d             # payload length
	test %r13d, %r13d
	jz fail
	lea 16(%r13), %rcx
	cmp %rcx, %rax
	jl fail

	# struct rand_pool_info { entropy_count, buf_size, buf[] } in place at reply+8: buf_size is
	# the header's len already. Credit the seed's 256 random bits (32 bytes of dom0's urandom): a
	# guest saved before its CRNG was ready (no RDRAND on the baseline CPU models, few interrupts
	# under emulation) refuses RNDRESEEDCRNG with ENODATA until it gathers entropy on its own, which
	# took minutes (a restored busybox guest said READY 238 s after xl restore, quiet machine).
	movl $256, 8(%rbx)
	mov $SYS_open, %eax
	lea urandom(%rip), %rdi
	mov $O_WRONLY, %esi
	syscall
	test %eax, %eax
	js fail
	mov %eax, %r14d

	mov $SYS_ioctl, %eax
	mov %r14d, %edi
	mov $RNDADDENTROPY, %esi
	lea 8(%rbx), %rdx
	syscall
	test %eax, %eax
	jnz fail

	mov $SYS_ioctl, %eax
	mov %r14d, %edi
	mov $RNDRESEEDCRNG, %esi
	xor %edx, %edx
	syscall
	test %eax, %eax
	jnz fail

	mov $SYS_write, %eax
	mov $1, %edi
	lea 16(%rbx), %rsi
	mov %r13d, %edx
	syscall
	mov $SYS_write, %eax
	mov $1, %edi
	lea newline(%rip), %rsi
	mov $1, %edx
	syscall
	xor %edi, %edi
	jmp exit
fail:
	mov $1, %edi
exit:
	mov $SYS_exit, %eax
	syscall
