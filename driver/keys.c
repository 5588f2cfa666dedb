// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: channel signature verification.
 *
 * A channel's detached PKCS#7 signature is checked first against the
 * certificate built into the sensor, if there is one, then against the
 * kernel's built-in and secondary trusted keyrings.
 *
 * The built-in certificate: when driver/vigil_cert.inc exists at build
 * time (the Makefile's module target writes it from VIGIL_SIGNING_CERT,
 * by default a development key it generates under build/keys), Kbuild
 * defines VIGIL_BUILTIN_CERT and the DER bytes it holds are loaded at
 * init into a private keyring, ".vigil", that nothing else can add to.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/verification.h>
#include <keys/asymmetric-type.h>

#include "sensor.h"

static struct key *vigil_keyring;

#ifdef VIGIL_BUILTIN_CERT
static const u8 vigil_cert[] = {
#include "vigil_cert.inc"
};

static int vigil_load_builtin_cert(void)
{
	key_ref_t kref;

	vigil_keyring = keyring_alloc(".vigil", GLOBAL_ROOT_UID,
				      GLOBAL_ROOT_GID, current_cred(),
				      (KEY_POS_ALL & ~KEY_POS_SETATTR) |
				      KEY_USR_VIEW | KEY_USR_READ |
				      KEY_USR_SEARCH,
				      KEY_ALLOC_NOT_IN_QUOTA |
				      KEY_ALLOC_SET_KEEP, NULL, NULL);
	if (IS_ERR(vigil_keyring)) {
		int ret = PTR_ERR(vigil_keyring);

		vigil_keyring = NULL;
		return ret;
	}
	kref = key_create_or_update(make_key_ref(vigil_keyring, 1),
				    "asymmetric", NULL, vigil_cert,
				    sizeof(vigil_cert),
				    (KEY_POS_ALL & ~KEY_POS_SETATTR) |
				    KEY_USR_VIEW | KEY_USR_READ,
				    KEY_ALLOC_NOT_IN_QUOTA |
				    KEY_ALLOC_BUILT_IN |
				    KEY_ALLOC_BYPASS_RESTRICTION);
	if (IS_ERR(kref)) {
		key_put(vigil_keyring);
		vigil_keyring = NULL;
		return PTR_ERR(kref);
	}
	pr_info("built-in channel signing key: %s\n",
		key_ref_to_ptr(kref)->description);
	key_ref_put(kref);
	return 0;
}
#else
static int vigil_load_builtin_cert(void)
{
	return 0;
}
#endif

/**
 * vigil_keys_init() - load the built-in certificate, if any
 *
 * Return: 0 or a negative errno (a built-in certificate that does not
 * load is an error: the sensor would otherwise reject its own channels).
 */
int vigil_keys_init(void)
{
	int ret = vigil_load_builtin_cert();

	if (ret)
		pr_err("cannot load the built-in channel signing key: %d\n",
		       ret);
	return ret;
}

/** vigil_keys_exit() - drop the private keyring */
void vigil_keys_exit(void)
{
	key_put(vigil_keyring);
	vigil_keyring = NULL;
}

/**
 * vigil_verify_sig() - the loader's vigil_verify_fn for the kernel
 * @ctx: unused
 * @data: the signed bytes
 * @len: their length
 * @sig: DER PKCS#7, detached
 * @sig_len: its length
 *
 * Return: 0 if a trusted key made the signature, else a negative errno.
 */
int vigil_verify_sig(void *ctx, const void *data, size_t len,
		     const void *sig, size_t sig_len)
{
#ifdef CONFIG_SYSTEM_DATA_VERIFICATION
	int ret = -ENOKEY;

	if (vigil_keyring)
		ret = verify_pkcs7_signature(data, len, sig, sig_len,
					     vigil_keyring,
					     VERIFYING_UNSPECIFIED_SIGNATURE,
					     NULL, NULL);
	if (ret)
		ret = verify_pkcs7_signature(data, len, sig, sig_len,
					     VERIFY_USE_SECONDARY_KEYRING,
					     VERIFYING_UNSPECIFIED_SIGNATURE,
					     NULL, NULL);
	if (ret)
		pr_debug("channel signature not verified: %d\n", ret);
	return ret;
#else
	return -ENOPKG;
#endif
}
