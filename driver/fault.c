// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: test-only fault injection (CONFIG_VIGIL_FAULT_INJECTION).
 *
 * Never in a production build.  The crash-loop tests of the bootguard use
 * it to make the real sensor fail in the ways a defect could:
 *
 *	fault=panic_at_load	panic() while arming, before any hook is
 *				registered
 *	fault=hang_at_load	stop every CPU with interrupts off while
 *				arming: only a hardware watchdog gets the
 *				machine back
 *	fault=panic_on_channel	panic() when the channel whose id is
 *				fault_channel is activated (from MANIFEST
 *				at arming, or over netlink)
 *	fault_work_budget=N	give each event N steps at run time instead
 *				of VIGIL_MAX_EVENT_WORK: a bound the loader
 *				got wrong, for the tests of the run-time
 *				guard (events stopped, counted, reported,
 *				the channel disabled)
 *
 * Every panic message starts with "vigil: fault injection:" and panic()
 * is called from here, so a pstore record's trace names vigil.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/processor.h>
#include <linux/stop_machine.h>
#include <linux/string.h>

#include "sensor.h"

enum vigil_fault {
	VIGIL_FAULT_NONE,
	VIGIL_FAULT_PANIC_AT_LOAD,
	VIGIL_FAULT_HANG_AT_LOAD,
	VIGIL_FAULT_PANIC_ON_CHANNEL,
};

static const char * const vigil_fault_names[] = {
	[VIGIL_FAULT_NONE] = "",
	[VIGIL_FAULT_PANIC_AT_LOAD] = "panic_at_load",
	[VIGIL_FAULT_HANG_AT_LOAD] = "hang_at_load",
	[VIGIL_FAULT_PANIC_ON_CHANNEL] = "panic_on_channel",
};

static int vigil_fault;
static unsigned int vigil_fault_channel;

/* An unknown name fails the module load (or is ignored on the command line) */
static int vigil_fault_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(vigil_fault_names, val);

	if (i < 0)
		return -EINVAL;
	*(int *)kp->arg = i;
	return 0;
}

static int vigil_fault_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", vigil_fault_names[*(int *)kp->arg]);
}

static const struct kernel_param_ops vigil_fault_ops = {
	.set = vigil_fault_set,
	.get = vigil_fault_get,
};

module_param_cb(fault, &vigil_fault_ops, &vigil_fault, 0444);
MODULE_PARM_DESC(fault,
		 "TEST ONLY: panic_at_load, hang_at_load or panic_on_channel");
module_param_named(fault_channel, vigil_fault_channel, uint, 0444);
MODULE_PARM_DESC(fault_channel, "TEST ONLY: channel id for panic_on_channel");

static unsigned int vigil_fault_budget;
module_param_named(fault_work_budget, vigil_fault_budget, uint, 0444);
MODULE_PARM_DESC(fault_work_budget,
		 "TEST ONLY: steps each event gets at run time (0: the real budget)");

/**
 * vigil_fault_work_budget() - the run-time budget of one event
 *
 * Return: fault_work_budget if set, else VIGIL_MAX_EVENT_WORK.
 */
u64 vigil_fault_work_budget(void)
{
	return vigil_fault_budget ?: VIGIL_MAX_EVENT_WORK;
}

/* Runs on every online CPU with interrupts off, and never returns. */
static int vigil_fault_spin(void *unused)
{
	local_irq_disable();
	for (;;)
		cpu_relax();
	return 0;
}

/**
 * vigil_fault_arming() - the faults of arming, before the hooks go in
 *
 * Called by vigil_arm() after the installed channels are active and
 * before any hook is registered.  Returns only when no such fault is set.
 */
void vigil_fault_arming(void)
{
	switch (vigil_fault) {
	case VIGIL_FAULT_PANIC_AT_LOAD:
		panic("vigil: fault injection: panic_at_load\n");
		break;
	case VIGIL_FAULT_HANG_AT_LOAD:
		pr_emerg("fault injection: hang_at_load: stopping every CPU\n");
		stop_machine(vigil_fault_spin, NULL, cpu_online_mask);
		/* not reached: every CPU spins in vigil_fault_spin() */
		break;
	default:
		break;
	}
}

/**
 * vigil_fault_activate() - the fault of activating a channel
 * @channel_id: the channel about to become active
 *
 * Panics if fault=panic_on_channel and @channel_id is fault_channel.
 */
void vigil_fault_activate(u32 channel_id)
{
	if (vigil_fault == VIGIL_FAULT_PANIC_ON_CHANNEL &&
	    channel_id == vigil_fault_channel)
		panic("vigil: fault injection: panic_on_channel: channel %u\n",
		      channel_id);
}

/**
 * vigil_fault_announce() - say loudly that this sensor injects faults
 *
 * Called once at init, so no log of a test build can pass for production.
 */
void vigil_fault_announce(void)
{
	pr_warn("TEST BUILD: fault injection compiled in (fault=%s, fault_channel=%u, fault_work_budget=%u)\n",
		vigil_fault_names[vigil_fault], vigil_fault_channel,
		vigil_fault_budget);
}
