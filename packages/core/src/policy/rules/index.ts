import { PolicyRule } from '../rule';
import { DISK1 } from './disk1-prevent-destroy';
import { DISK2 } from './disk2-snapshots';
import { ENC1 } from './enc1-customer-keys';
import { ENC2 } from './enc2-encryption-at-rest';
import { GPU1 } from './gpu1-host-maintenance';
import { IAM1 } from './iam1-default-service-account';
import { IAM2 } from './iam2-admin-roles';
import { LBL1 } from './lbl1-required-labels';
import { META1 } from './meta1-secrets-in-metadata';
import { NET1 } from './net1-open-ingress';
import { NET2 } from './net2-ssh-from-anywhere';
import { NET3 } from './net3-public-ip';
import { NET4 } from './net4-open-egress';
import { NET5 } from './net5-key-vault-firewall';
import { DATA1 } from './data1-open-usage-store';
import { VM1 } from './vm1-shielded';
import { VM2 } from './vm2-login-hardening';
import { VM3 } from './vm3-metadata-service';
import { VM4 } from './vm4-azure-extensions';

/** Every rule, in the order of RULES.md. @internal */
export const ALL_RULES: PolicyRule[] = [NET1, NET2, NET3, NET4, NET5, VM1, VM2, VM3, VM4, IAM1, IAM2, META1, DISK1, DISK2, ENC1, ENC2, GPU1, LBL1, DATA1];
