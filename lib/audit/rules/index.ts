/**
 * Every audit rule, in the catalog's order (docs/reference/security-benchmark.md, master table).
 * One rule per file; the file name is the rule id.
 */
import type { Rule } from './_kit';
import AG_AUTH_01 from './AG-AUTH-01';
import AG_IMDS_01 from './AG-IMDS-01';
import AG_IMDS_02 from './AG-IMDS-02';
import AG_IMDS_03 from './AG-IMDS-03';
import AG_INTRO_01 from './AG-INTRO-01';
import AG_MAC_01 from './AG-MAC-01';
import AG_PIDS_01 from './AG-PIDS-01';
import AG_PRIV_01 from './AG-PRIV-01';
import AG_ROLE_01 from './AG-ROLE-01';
import BR_ADMIN_01 from './BR-ADMIN-01';
import BR_PRIV_01 from './BR-PRIV-01';
import CL_CI_01 from './CL-CI-01';
import CL_EXEC_01 from './CL-EXEC-01';
import CP_TERM_01 from './CP-TERM-01';
import CWL_01 from './CWL-01';
import DF_ADD_01 from './DF-ADD-01';
import DF_ALIAS_01 from './DF-ALIAS-01';
import DF_HC_01 from './DF-HC-01';
import DF_MAINT_01 from './DF-MAINT-01';
import DF_PASS_01 from './DF-PASS-01';
import DF_PKG_01 from './DF-PKG-01';
import DF_PORT_01 from './DF-PORT-01';
import DF_SEC_01 from './DF-SEC-01';
import DF_SUDO_01 from './DF-SUDO-01';
import DF_SUID_01 from './DF-SUID-01';
import DF_TAG_01 from './DF-TAG-01';
import DF_TLS_01 from './DF-TLS-01';
import DF_UPD_01 from './DF-UPD-01';
import DF_USER_01 from './DF-USER-01';
import DF_WD_01 from './DF-WD-01';
import EC2_EBS_01 from './EC2-EBS-01';
import EC2_IMDS_01 from './EC2-IMDS-01';
import EC2_IMDS_02 from './EC2-IMDS-02';
import EC2_MON_01 from './EC2-MON-01';
import EC2_PUB_01 from './EC2-PUB-01';
import EC2_SG_01 from './EC2-SG-01';
import EC2_SG_02 from './EC2-SG-02';
import EC2_UD_01 from './EC2-UD-01';
import EC2_VOL_01 from './EC2-VOL-01';
import ECR_BOOT_01 from './ECR-BOOT-01';
import ECR_KMS_01 from './ECR-KMS-01';
import ECR_LC_01 from './ECR-LC-01';
import ECR_SCAN_01 from './ECR-SCAN-01';
import ECR_SCAN_02 from './ECR-SCAN-02';
import ECR_SIGN_01 from './ECR-SIGN-01';
import ECR_TAG_01 from './ECR-TAG-01';
import ECR_TAG_02 from './ECR-TAG-02';
import ELB_HDR_01 from './ELB-HDR-01';
import ELB_LOG_01 from './ELB-LOG-01';
import ELB_TLS_01 from './ELB-TLS-01';
import GD_RTM_01 from './GD-RTM-01';
import HD_AMI_01 from './HD-AMI-01';
import HD_AUD_01 from './HD-AUD-01';
import HD_DMN_01 from './HD-DMN-01';
import HD_DMN_02 from './HD-DMN-02';
import HD_PART_01 from './HD-PART-01';
import IAM_ESC_01 from './IAM-ESC-01';
import IAM_MP_01 from './IAM-MP-01';
import IAM_TRUST_01 from './IAM-TRUST-01';
import IAM_WC_01 from './IAM-WC-01';
import KMS_POL_01 from './KMS-POL-01';
import KMS_ROT_01 from './KMS-ROT-01';
import RDS_AUTH_01 from './RDS-AUTH-01';
import RDS_BAK_01 from './RDS-BAK-01';
import RDS_DEL_01 from './RDS-DEL-01';
import RDS_ENC_01 from './RDS-ENC-01';
import RDS_LOG_01 from './RDS-LOG-01';
import RDS_MAZ_01 from './RDS-MAZ-01';
import RDS_PUB_01 from './RDS-PUB-01';
import RDS_TLS_01 from './RDS-TLS-01';
import RDS_UPG_01 from './RDS-UPG-01';
import S3_ENC_01 from './S3-ENC-01';
import S3_LOG_01 from './S3-LOG-01';
import S3_PAB_01 from './S3-PAB-01';
import S3_TLS_01 from './S3-TLS-01';
import S3_VER_01 from './S3-VER-01';
import SM_KMS_01 from './SM-KMS-01';
import SVC_EXEC_01 from './SVC-EXEC-01';
import SVC_FG_01 from './SVC-FG-01';
import SVC_NET_01 from './SVC-NET-01';
import TD_CAP_01 from './TD-CAP-01';
import TD_CAP_02 from './TD-CAP-02';
import TD_CAP_03 from './TD-CAP-03';
import TD_CPU_01 from './TD-CPU-01';
import TD_DEV_01 from './TD-DEV-01';
import TD_EFS_01 from './TD-EFS-01';
import TD_ENV_01 from './TD-ENV-01';
import TD_HC_01 from './TD-HC-01';
import TD_IMG_01 from './TD-IMG-01';
import TD_IMG_02 from './TD-IMG-02';
import TD_IPC_01 from './TD-IPC-01';
import TD_LOG_01 from './TD-LOG-01';
import TD_LOG_02 from './TD-LOG-02';
import TD_LOG_03 from './TD-LOG-03';
import TD_MEM_01 from './TD-MEM-01';
import TD_MNT_01 from './TD-MNT-01';
import TD_MNT_02 from './TD-MNT-02';
import TD_MNT_03 from './TD-MNT-03';
import TD_NET_01 from './TD-NET-01';
import TD_NET_02 from './TD-NET-02';
import TD_NNP_01 from './TD-NNP-01';
import TD_PID_01 from './TD-PID-01';
import TD_PORT_01 from './TD-PORT-01';
import TD_PORT_02 from './TD-PORT-02';
import TD_PRIV_01 from './TD-PRIV-01';
import TD_ROFS_01 from './TD-ROFS-01';
import TD_ROLE_01 from './TD-ROLE-01';
import TD_SEC_01 from './TD-SEC-01';
import TD_SEC_02 from './TD-SEC-02';
import TD_SECOPT_01 from './TD-SECOPT-01';
import TD_SYSCTL_01 from './TD-SYSCTL-01';
import TD_TMPFS_01 from './TD-TMPFS-01';
import TD_TTY_01 from './TD-TTY-01';
import TD_ULIM_01 from './TD-ULIM-01';
import TD_USER_01 from './TD-USER-01';
import TD_USER_02 from './TD-USER-02';
import TS_NET_01 from './TS-NET-01';
import VPC_FLOW_01 from './VPC-FLOW-01';

export type { Compliance, Rule } from './_kit';

export const RULES: readonly Rule[] = [
  TD_PRIV_01,
  TD_USER_01,
  TD_USER_02,
  TD_ROFS_01,
  TD_CAP_01,
  TD_CAP_02,
  TD_CAP_03,
  TD_NNP_01,
  TD_SECOPT_01,
  TD_NET_01,
  TD_NET_02,
  TD_PID_01,
  TD_IPC_01,
  TD_DEV_01,
  TD_MNT_01,
  TD_MNT_02,
  TD_MNT_03,
  TD_MEM_01,
  TD_CPU_01,
  TD_ULIM_01,
  TD_HC_01,
  TD_LOG_01,
  TD_LOG_02,
  TD_LOG_03,
  TD_SEC_01,
  TD_SEC_02,
  TD_ENV_01,
  TD_IMG_01,
  TD_IMG_02,
  TD_PORT_01,
  TD_PORT_02,
  TD_ROLE_01,
  TD_SYSCTL_01,
  TD_TMPFS_01,
  TD_EFS_01,
  TD_TTY_01,
  SVC_NET_01,
  SVC_EXEC_01,
  SVC_FG_01,
  TS_NET_01,
  CL_CI_01,
  CL_EXEC_01,
  CP_TERM_01,
  AG_PRIV_01,
  AG_IMDS_01,
  AG_IMDS_02,
  AG_IMDS_03,
  AG_ROLE_01,
  AG_AUTH_01,
  AG_PIDS_01,
  AG_INTRO_01,
  AG_MAC_01,
  HD_AUD_01,
  HD_DMN_01,
  HD_DMN_02,
  HD_PART_01,
  BR_PRIV_01,
  BR_ADMIN_01,
  HD_AMI_01,
  EC2_IMDS_01,
  EC2_IMDS_02,
  EC2_EBS_01,
  EC2_VOL_01,
  EC2_PUB_01,
  EC2_SG_01,
  EC2_SG_02,
  EC2_MON_01,
  EC2_UD_01,
  ELB_LOG_01,
  ELB_TLS_01,
  ELB_HDR_01,
  S3_LOG_01,
  S3_TLS_01,
  S3_PAB_01,
  S3_ENC_01,
  S3_VER_01,
  VPC_FLOW_01,
  IAM_MP_01,
  IAM_WC_01,
  IAM_ESC_01,
  IAM_TRUST_01,
  CWL_01,
  KMS_ROT_01,
  KMS_POL_01,
  SM_KMS_01,
  RDS_ENC_01,
  RDS_PUB_01,
  RDS_TLS_01,
  RDS_AUTH_01,
  RDS_BAK_01,
  RDS_DEL_01,
  RDS_LOG_01,
  RDS_UPG_01,
  RDS_MAZ_01,
  ECR_SCAN_01,
  ECR_TAG_01,
  ECR_KMS_01,
  ECR_LC_01,
  ECR_TAG_02,
  ECR_BOOT_01,
  ECR_SIGN_01,
  ECR_SCAN_02,
  GD_RTM_01,
  DF_USER_01,
  DF_HC_01,
  DF_ADD_01,
  DF_UPD_01,
  DF_TAG_01,
  DF_SEC_01,
  DF_SUID_01,
  DF_PORT_01,
  DF_TLS_01,
  DF_PKG_01,
  DF_SUDO_01,
  DF_PASS_01,
  DF_MAINT_01,
  DF_WD_01,
  DF_ALIAS_01,
];
