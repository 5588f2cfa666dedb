// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: module init and exit.
 *
 * Init brings up what cannot hurt the host and needs no file system:
 * sysfs (config.c), match record queues (report.c), signing keys
 * (keys.c), the netlink family and the channels' sysfs folder.  Then, by
 * default for the module, it arms the sensor (config.c): it loads the
 * installed channels from channels_dir's MANIFEST and registers the hooks
 * last, so that nothing runs before what it uses exists.  A built-in
 * sensor waits to be armed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "sensor.h"

static int __init vigil_init(void)
{
	int ret;

	ret = vigil_config_init();
	if (ret)
		return ret;
	ret = vigil_report_init();
	if (ret)
		goto config_exit;
	ret = vigil_keys_init();
	if (ret)
		goto report_exit;
	ret = vigil_netlink_init();
	if (ret)
		goto keys_exit;
	ret = vigil_channels_init(vigil_kobj);
	if (ret)
		goto netlink_exit;

	vigil_fault_announce();
	ret = vigil_config_start();
	if (ret)
		goto channels_exit;
	return 0;

channels_exit:
	vigil_report_exit();	/* before the family goes; done twice, fine */
	vigil_channels_exit();
netlink_exit:
	vigil_netlink_exit();
keys_exit:
	vigil_keys_exit();
report_exit:
	vigil_report_exit();
config_exit:
	vigil_config_exit();
	return ret;
}

/*
 * Teardown order: no arming and no new events (hooks, after their probes
 * finished), no more records sent (report, before the family and its
 * group go), no more requests (netlink), then the channels nothing can
 * reach any more.
 */
static void __exit vigil_exit(void)
{
	vigil_disarm();
	vigil_report_exit();
	vigil_netlink_exit();
	vigil_channels_exit();
	vigil_keys_exit();
	vigil_config_exit();
	pr_info("unloaded\n");
}

module_init(vigil_init);
module_exit(vigil_exit);

MODULE_DESCRIPTION("vigil security sensor");
MODULE_LICENSE("GPL");
MODULE_VERSION(VIGIL_VERSION);
