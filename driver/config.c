// SPDX-License-Identifier: GPL-2.0
/*
 * vigil's configuration, its arming, its counters and their sysfs files.
 *
 * /sys/kernel/vigil/ (Documentation/ABI/testing/sysfs-kernel-vigil):
 *
 *	armed			rw  0/1: installed channels and hooks are live;
 *				    writing 1 arms, 0 is refused
 *	enabled			rw  0/1: hooks hand events to the matcher
 *	require_signature	rw  0/1, one-way: once 1, 1 until reboot
 *	rate_limit		rw  match records per second and CPU, 0: none
 *	version			ro  module version
 *	schema_version		ro  VIGIL_SCHEMA_VERSION
 *	memory_cap		ro  bytes all active channels may hold
 *	work_budget		ro  steps one event may cost them all
 *	counters/		ro  events_seen, events_matched, events_dropped,
 *				    channels_loaded, channels_rejected,
 *				    last_reject_reason, events_over_budget,
 *				    events_refused, memory_used
 *	channels/<id>/		ro  id, version, digest, rules, signed, loaded
 *				    (channels.c)
 *
 * A built-in sensor (CONFIG_VIGIL=y) initialises before the root file
 * system exists and before anything could count a failed boot, so it does
 * not arm at init (module parameter "armed" defaults to 0 there): it stays
 * inert, no channel and no hook, until vigil-bootguard has charged a try,
 * set channels_dir and written 1 to /sys/kernel/vigil/armed.  The command
 * line switch vigil.boot_start=0 keeps the sensor from arming at all for
 * one boot, whatever asks.
 *
 * Arming is serialised by vigil_arm_mutex and happens once: armed goes
 * from 0 to 1 and stays 1 until unload (unloading is the way to disarm).
 * If a step fails (no memory, a hook that cannot register) the channels
 * loaded so far are dropped, channels_dir is writable again and the sensor
 * is inert as before.  Until the sensor is armed, netlink requests that
 * change the channel set are refused (netlink.c), so no channel becomes
 * active by another way than arming.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

#include "sensor.h"

struct vigil_counters vigil_counters;
struct kobject *vigil_kobj;

static bool vigil_on = true;
module_param_named(enabled, vigil_on, bool, 0444);
MODULE_PARM_DESC(enabled, "Match events from the start (default: 1)");

static bool vigil_sig_required;
module_param_named(require_signature, vigil_sig_required, bool, 0444);
MODULE_PARM_DESC(require_signature,
		 "Reject unsigned channels from the start; pins the module");
/* Arm during init: loading the module starts it; a built-in one waits. */
static bool vigil_arm_at_init = !IS_BUILTIN(CONFIG_VIGIL);
module_param_named(armed, vigil_arm_at_init, bool, 0444);
MODULE_PARM_DESC(armed,
		 "Arm at load: installed channels and hooks (default: 1, built in: 0)");

static bool vigil_boot_start = true;
module_param_named(boot_start, vigil_boot_start, bool, 0444);
MODULE_PARM_DESC(boot_start,
		 "0: never arm during this boot (vigil.boot_start=0 on the command line)");

/* Serialises arming against itself and against unloading. */
static DEFINE_MUTEX(vigil_arm_mutex);
static bool vigil_is_armed;
static bool vigil_exiting;

static u32 vigil_rate = VIGIL_DEFAULT_RATE_LIMIT;
/* Serialises configuration changes; readers use READ_ONCE(). */
static DEFINE_MUTEX(vigil_config_mutex);

static DEFINE_SPINLOCK(vigil_reject_lock);
static char vigil_reject_reason[VIGIL_REASON_LEN];

bool vigil_enabled(void)
{
	return READ_ONCE(vigil_on);
}

bool vigil_require_signature(void)
{
	return READ_ONCE(vigil_sig_required);
}

/**
 * vigil_rate_limit() - match records allowed per second and CPU
 *
 * Return: the limit, 0 for none.
 */
u32 vigil_rate_limit(void)
{
	return READ_ONCE(vigil_rate);
}

bool vigil_armed(void)
{
	return READ_ONCE(vigil_is_armed);
}

/**
 * vigil_arm() - load the installed channels, then register the hooks
 *
 * Idempotent: arming an armed sensor succeeds and does nothing.  A failed
 * step undoes the ones before it.  May sleep.
 *
 * Return: 0, -EPERM if boot_start is 0, -ENODEV while unloading, or the
 * errno of the step that failed.
 */
int vigil_arm(void)
{
	int ret;

	mutex_lock(&vigil_arm_mutex);
	if (vigil_is_armed) {
		ret = 0;
		goto out;
	}
	if (!vigil_boot_start) {
		pr_info("not arming: boot_start=0\n");
		ret = -EPERM;
		goto out;
	}
	if (vigil_exiting) {
		ret = -ENODEV;
		goto out;
	}
	ret = vigil_channels_load_installed();
	if (ret)
		goto out;
	vigil_fault_arming();
	ret = vigil_hooks_init();
	if (ret) {
		vigil_channels_clear();
		vigil_channels_dir_unfreeze();
		pr_err("arming failed (%d): the sensor stays inert\n", ret);
		goto out;
	}
	WRITE_ONCE(vigil_is_armed, true);
	pr_info("armed: %u channels, hooks registered\n",
		vigil_channels_count());
out:
	mutex_unlock(&vigil_arm_mutex);
	return ret;
}

/**
 * vigil_disarm() - disarm for unloading; no arming can follow
 */
void vigil_disarm(void)
{
	mutex_lock(&vigil_arm_mutex);
	vigil_exiting = true;
	if (vigil_is_armed)
		vigil_hooks_exit();
	WRITE_ONCE(vigil_is_armed, false);
	mutex_unlock(&vigil_arm_mutex);
}

/*
 * Once signatures are required they stay required until reboot: the module
 * holds a reference to itself so it cannot be unloaded and loaded again
 * with the switch off.
 */
static void vigil_pin(void)
{
	__module_get(THIS_MODULE);
	pr_info("channel signatures are now required until reboot\n");
}

/**
 * vigil_set_config() - change the configuration atomically
 * @enabled: new value of enabled, or NULL to keep it
 * @require_signature: new value, or NULL to keep it; may not go from true
 *	to false
 * @rate_limit: new rate limit, or NULL to keep it
 *
 * Either every given value is applied or none is.
 *
 * Return: 0, or -EPERM when asked to clear require_signature.
 */
int vigil_set_config(const bool *enabled, const bool *require_signature,
		     const u32 *rate_limit)
{
	mutex_lock(&vigil_config_mutex);
	if (require_signature && !*require_signature && vigil_sig_required) {
		mutex_unlock(&vigil_config_mutex);
		return -EPERM;
	}
	if (require_signature && *require_signature && !vigil_sig_required) {
		WRITE_ONCE(vigil_sig_required, true);
		vigil_pin();
	}
	if (enabled && *enabled != vigil_on) {
		WRITE_ONCE(vigil_on, *enabled);
		pr_info("sensor %s\n", *enabled ? "enabled" : "disabled");
	}
	if (rate_limit)
		WRITE_ONCE(vigil_rate, *rate_limit);
	mutex_unlock(&vigil_config_mutex);
	return 0;
}

/**
 * vigil_note_reject() - count a rejected channel and remember why
 * @source: where the channel came from (file name, "netlink")
 * @err: the loader's verdict
 *
 * Logs the reason once and keeps it for counters/last_reject_reason and
 * the status command.
 */
void vigil_note_reject(const char *source, const struct vigil_error *err)
{
	char buf[VIGIL_REASON_LEN];

	snprintf(buf, sizeof(buf), "%s: offset %llu%s: %s (%s)", source,
		 (unsigned long long)err->offset,
		 err->in_payload ? " (payload)" : "",
		 err->msg[0] ? err->msg : vigil_err_text(err->code),
		 vigil_reject_name(err->code));
	atomic64_inc(&vigil_counters.channels_rejected);
	spin_lock(&vigil_reject_lock);
	strscpy(vigil_reject_reason, buf, sizeof(vigil_reject_reason));
	spin_unlock(&vigil_reject_lock);
	pr_warn("channel rejected: %s\n", buf);
}

/**
 * vigil_last_reject() - the reason of the last rejected channel
 * @buf: out, NUL-terminated; empty if nothing was rejected
 * @len: size of @buf
 */
void vigil_last_reject(char *buf, size_t len)
{
	spin_lock(&vigil_reject_lock);
	strscpy(buf, vigil_reject_reason, len);
	spin_unlock(&vigil_reject_lock);
}

/**
 * vigil_reject_name() - stable name of a rejection class
 * @code: loader error class or VIGIL_REJECT_*
 *
 * Return: "DIGEST", "ROLLBACK", ...
 */
const char *vigil_reject_name(int code)
{
	switch (code) {
	case VIGIL_REJECT_ROLLBACK:
		return "ROLLBACK";
	case VIGIL_REJECT_READ:
		return "READ";
	default:
		return vigil_err_name(code);
	}
}

/* --- sysfs -------------------------------------------------------------- */

static ssize_t armed_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n", vigil_armed());
}

/* 1 arms; 0 is refused: unloading the module is the way to disarm. */
static ssize_t armed_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	bool on;
	int ret = kstrtobool(buf, &on);

	if (ret)
		return ret;
	if (!on)
		return -EINVAL;
	ret = vigil_arm();
	return ret ? ret : count;
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", vigil_enabled());
}

/* Store a boolean setting: @which 0 is enabled, 1 require_signature. */
static ssize_t vigil_store_bool(const char *buf, size_t count, int which)
{
	bool on;
	int ret = kstrtobool(buf, &on);

	if (ret)
		return ret;
	ret = vigil_set_config(which ? NULL : &on, which ? &on : NULL, NULL);
	return ret ? ret : count;
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	return vigil_store_bool(buf, count, 0);
}

static ssize_t require_signature_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", vigil_require_signature());
}

static ssize_t require_signature_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	return vigil_store_bool(buf, count, 1);
}

static ssize_t rate_limit_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", vigil_rate_limit());
}

static ssize_t rate_limit_store(struct kobject *kobj,
				struct kobj_attribute *attr,
				const char *buf, size_t count)
{
	u32 rate;
	int ret = kstrtou32(buf, 0, &rate);

	if (ret)
		return ret;
	ret = vigil_set_config(NULL, NULL, &rate);
	return ret ? ret : count;
}

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", VIGIL_VERSION);
}

static ssize_t schema_version_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", VIGIL_SCHEMA_VERSION);
}

static ssize_t memory_cap_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", VIGIL_MAX_TOTAL_MEM);
}

static ssize_t work_budget_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", VIGIL_MAX_EVENT_WORK);
}

static struct kobj_attribute armed_attr = __ATTR_RW_MODE(armed, 0644);
static struct kobj_attribute enabled_attr = __ATTR_RW_MODE(enabled, 0644);
static struct kobj_attribute require_signature_attr =
	__ATTR_RW_MODE(require_signature, 0644);
static struct kobj_attribute rate_limit_attr = __ATTR_RW_MODE(rate_limit, 0644);
static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute schema_version_attr = __ATTR_RO(schema_version);
static struct kobj_attribute memory_cap_attr = __ATTR_RO(memory_cap);
static struct kobj_attribute work_budget_attr = __ATTR_RO(work_budget);

static struct attribute *vigil_attrs[] = {
	&armed_attr.attr,
	&enabled_attr.attr,
	&require_signature_attr.attr,
	&rate_limit_attr.attr,
	&version_attr.attr,
	&schema_version_attr.attr,
	&memory_cap_attr.attr,
	&work_budget_attr.attr,
	NULL,
};

static const struct attribute_group vigil_group = {
	.attrs = vigil_attrs,
};

#define VIGIL_COUNTER_ATTR(name)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%lld\n",				\
			  (long long)atomic64_read(&vigil_counters.name)); \
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

VIGIL_COUNTER_ATTR(events_seen);
VIGIL_COUNTER_ATTR(events_matched);
VIGIL_COUNTER_ATTR(events_dropped);
VIGIL_COUNTER_ATTR(channels_loaded);
VIGIL_COUNTER_ATTR(channels_rejected);
VIGIL_COUNTER_ATTR(events_over_budget);
VIGIL_COUNTER_ATTR(events_refused);

static ssize_t memory_used_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)vigil_channels_mem());
}

static struct kobj_attribute memory_used_attr = __ATTR_RO(memory_used);


static ssize_t last_reject_reason_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	char reason[VIGIL_REASON_LEN];

	vigil_last_reject(reason, sizeof(reason));
	return sysfs_emit(buf, "%s\n", reason);
}

static struct kobj_attribute last_reject_reason_attr =
	__ATTR_RO(last_reject_reason);

static struct attribute *vigil_counter_attrs[] = {
	&events_seen_attr.attr,
	&events_matched_attr.attr,
	&events_dropped_attr.attr,
	&channels_loaded_attr.attr,
	&channels_rejected_attr.attr,
	&last_reject_reason_attr.attr,
	&events_over_budget_attr.attr,
	&events_refused_attr.attr,
	&memory_used_attr.attr,
	NULL,
};

static const struct attribute_group vigil_counter_group = {
	.name = "counters",
	.attrs = vigil_counter_attrs,
};

static const struct attribute_group *vigil_groups[] = {
	&vigil_group,
	&vigil_counter_group,
	NULL,
};

/**
 * vigil_config_init() - create /sys/kernel/vigil and its files
 *
 * Return: 0 or -errno; vigil_kobj is then set.
 */
int vigil_config_init(void)
{
	int ret;

	vigil_kobj = kobject_create_and_add("vigil", kernel_kobj);
	if (!vigil_kobj)
		return -ENOMEM;
	ret = sysfs_create_groups(vigil_kobj, vigil_groups);
	if (ret) {
		kobject_put(vigil_kobj);
		vigil_kobj = NULL;
	}
	return ret;
}

/**
 * vigil_config_start() - say how the sensor starts, and start it
 *
 * Arms it if the module parameters say so (vigil_arm()), and pins the
 * signature policy if it is already required.  May sleep.
 *
 * Return: 0 or vigil_arm()'s error.
 */
int vigil_config_start(void)
{
	int ret;

	pr_info("version %s, schema %u, %s%s\n", VIGIL_VERSION,
		VIGIL_SCHEMA_VERSION, vigil_on ? "enabled" : "disabled",
		!vigil_boot_start ? ", boot_start=0: stays inert" :
		!vigil_arm_at_init ? ", inert until armed" : "");
	if (vigil_arm_at_init && vigil_boot_start) {
		ret = vigil_arm();
		if (ret)
			return ret;
	}
	if (vigil_sig_required)
		vigil_pin();
	return 0;
}

/** vigil_config_exit() - remove /sys/kernel/vigil */
void vigil_config_exit(void)
{
	sysfs_remove_groups(vigil_kobj, vigil_groups);
	kobject_put(vigil_kobj);
}
