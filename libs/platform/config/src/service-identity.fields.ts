import { readableDirectoryValue, readableFileValue, requiredVar } from './field.builders';

// Settings of service-to-service identity (service tokens, see @ferry/platform/auth). Only the paths
// are checked here; the auth library reads the keys and explains what it refuses in them.

/** `FERRY_SERVICE_KEY_FILE`: the calling service's private key (PKCS#8 PEM, mode 0600 or 0400). */
export const serviceKeyFileField = () => requiredVar(readableFileValue());

/** `FERRY_SERVICE_TRUST_DIR`: the receiving service's trusted public keys, one `<service>.pem` each. */
export const serviceTrustDirField = () => requiredVar(readableDirectoryValue());
