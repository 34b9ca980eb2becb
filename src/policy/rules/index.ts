import { PolicyRule } from '../rule';
import { DISK1 } from './disk1-prevent-destroy';
import { GPU1 } from './gpu1-host-maintenance';
import { IAM1 } from './iam1-default-service-account';
import { NET1 } from './net1-open-ingress';
import { NET2 } from './net2-ssh-from-anywhere';
import { VM1 } from './vm1-shielded';
import { VM2 } from './vm2-login-hardening';

/** Every rule, in the order of RULES.md. @internal */
export const ALL_RULES: PolicyRule[] = [NET1, NET2, VM1, VM2, IAM1, DISK1, GPU1];
