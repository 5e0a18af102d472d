#include "parsers/registry.hpp"

#include <array>

namespace evidenced::parsers {

// Each parser file defines one of these.  Adding a format: its .cpp, a declaration here and
// one line in the table below.
const Parser& text_lines_parser();
// AWS
const Parser& aws_cloudtrail_parser();
const Parser& aws_vpcflow_parser();
// Linux command outputs (parsers/linux/)
const Parser& linux_arp_parser();
const Parser& linux_blkid_parser();
const Parser& linux_crontab_parser();
const Parser& linux_date_parser();
const Parser& linux_df_parser();
const Parser& linux_dmesg_parser();
const Parser& linux_dpkg_parser();
const Parser& linux_env_parser();
const Parser& linux_find_parser();
const Parser& linux_free_parser();
const Parser& linux_group_parser();
const Parser& linux_gshadow_parser();
const Parser& linux_hashsum_parser();
const Parser& linux_history_parser();
const Parser& linux_hostname_parser();
const Parser& linux_hosts_parser();
const Parser& linux_id_parser();
const Parser& linux_ip_addr_parser();
const Parser& linux_ip_route_parser();
const Parser& linux_iptables_parser();
const Parser& linux_last_parser();
const Parser& linux_lastlog_parser();
const Parser& linux_ls_parser();
const Parser& linux_lsattr_parser();
const Parser& linux_lsblk_parser();
const Parser& linux_lsmod_parser();
const Parser& linux_lsof_parser();
const Parser& linux_mount_parser();
const Parser& linux_netstat_parser();
const Parser& linux_nft_parser();
const Parser& linux_os_release_parser();
const Parser& linux_passwd_parser();
const Parser& linux_proc_exe_parser();
const Parser& linux_proc_net_tcp_parser();
const Parser& linux_proc_net_unix_parser();
const Parser& linux_ps_parser();
const Parser& linux_pstree_parser();
const Parser& linux_resolv_conf_parser();
const Parser& linux_sections_parser();
const Parser& linux_shadow_parser();
const Parser& linux_ss_parser();
const Parser& linux_stat_parser();
const Parser& linux_sysctl_parser();
const Parser& linux_systemctl_parser();
const Parser& linux_top_parser();
const Parser& linux_ufw_parser();
const Parser& linux_ulimit_parser();
const Parser& linux_uname_parser();
const Parser& linux_uptime_parser();
const Parser& linux_utmpdump_parser();
const Parser& linux_w_parser();
const Parser& linux_who_parser();
const Parser& linux_package_verify_parser();
const Parser& linux_rpm_qa_parser();
const Parser& linux_rpm_qi_parser();
const Parser& linux_proc_pid_status_parser();
const Parser& linux_proc_pid_maps_parser();
const Parser& linux_proc_net_arp_parser();
const Parser& linux_sudoers_parser();
const Parser& linux_proc_pid_stat_parser();
const Parser& linux_proc_pid_cmdline_parser();
const Parser& linux_sudo_l_parser();
const Parser& linux_proc_sys_parser();
const Parser& linux_modinfo_parser();
const Parser& linux_lscpu_parser();
const Parser& linux_vmstat_parser();
const Parser& linux_pip_list_parser();
const Parser& linux_timedatectl_parser();
const Parser& linux_hostnamectl_parser();
const Parser& linux_proc_cpuinfo_parser();
const Parser& linux_lspci_parser();
const Parser& linux_lsusb_parser();
const Parser& linux_fdisk_parser();
const Parser& linux_dmidecode_parser();
const Parser& linux_fstab_parser();
const Parser& linux_sshd_conf_parser();
const Parser& linux_file_parser();
const Parser& linux_selinux_parser();
const Parser& linux_runlevel_parser();
const Parser& linux_service_status_parser();
const Parser& linux_ip_link_parser();
const Parser& linux_docker_ps_parser();
// helper-lx6
const Parser& linux_snap_list_parser();
const Parser& linux_flatpak_list_parser();
const Parser& linux_yum_list_parser();
const Parser& linux_dnf_history_parser();
const Parser& linux_npm_list_parser();
const Parser& linux_apk_info_parser();
const Parser& linux_pvs_parser();
const Parser& linux_vgs_parser();
const Parser& linux_lvs_parser();
const Parser& linux_pvdisplay_parser();
const Parser& linux_vgdisplay_parser();
const Parser& linux_lvdisplay_parser();
const Parser& linux_proc_mdstat_parser();
const Parser& linux_zpool_status_parser();
const Parser& linux_zpool_list_parser();
const Parser& linux_zfs_list_parser();
const Parser& linux_showmount_parser();
const Parser& linux_nfsstat_parser();

// helper-lx5
const Parser& linux_auditctl_parser();
const Parser& linux_journalctl_boots_parser();
const Parser& linux_loginctl_parser();
const Parser& linux_firewall_cmd_parser();
const Parser& linux_nmcli_parser();

std::span<const Parser* const> all() {
    // Order breaks confidence ties: specific formats first, the text fallback last.
    // clang-format off
    static const std::array kTable = {
        &aws_cloudtrail_parser(),
        &aws_vpcflow_parser(),
        &linux_ps_parser(),
        &linux_netstat_parser(),
        &linux_ss_parser(),
        &linux_proc_exe_parser(),
        &linux_crontab_parser(),
        &linux_passwd_parser(),
        &linux_group_parser(),
        &linux_ip_addr_parser(),
        &linux_ip_route_parser(),
        &linux_arp_parser(),
        &linux_systemctl_parser(),
        &linux_mount_parser(),
        &linux_df_parser(),
        &linux_uname_parser(),
        &linux_hostname_parser(),
        &linux_date_parser(),
        &linux_uptime_parser(),
        &linux_history_parser(),
        &linux_iptables_parser(),
        &linux_lsmod_parser(),
        &linux_dpkg_parser(),
        &linux_lsof_parser(),
        &linux_last_parser(),
        &linux_lastlog_parser(),
        &linux_w_parser(),
        &linux_who_parser(),
        &linux_sections_parser(),
        &linux_ls_parser(),
        &linux_utmpdump_parser(),
        &linux_id_parser(),
        &linux_shadow_parser(),
        &linux_gshadow_parser(),
        &linux_os_release_parser(),
        &linux_hosts_parser(),
        &linux_resolv_conf_parser(),
        &linux_free_parser(),
        &linux_env_parser(),
        &linux_sysctl_parser(),
        &linux_dmesg_parser(),
        &linux_nft_parser(),
        &linux_ulimit_parser(),
        &linux_ufw_parser(),
        &linux_hashsum_parser(),
        &linux_find_parser(),
        &linux_stat_parser(),
        &linux_lsattr_parser(),
        &linux_lsblk_parser(),
        &linux_blkid_parser(),
        &linux_pstree_parser(),
        &linux_top_parser(),
        &linux_proc_net_tcp_parser(),
        &linux_proc_net_unix_parser(),
        &linux_package_verify_parser(),
        &linux_rpm_qa_parser(),
        &linux_rpm_qi_parser(),
        &linux_proc_pid_status_parser(),
        &linux_proc_pid_maps_parser(),
        &linux_proc_net_arp_parser(),
        &linux_sudoers_parser(),
        &linux_proc_pid_stat_parser(),
        &linux_proc_pid_cmdline_parser(),
        &linux_sudo_l_parser(),
        &linux_proc_sys_parser(),
        &linux_modinfo_parser(),
        &linux_lscpu_parser(),
        &linux_vmstat_parser(),
        &linux_pip_list_parser(),
        &linux_timedatectl_parser(),
        &linux_hostnamectl_parser(),
        &linux_proc_cpuinfo_parser(),
        &linux_lspci_parser(),
        &linux_lsusb_parser(),
        &linux_fdisk_parser(),
        &linux_dmidecode_parser(),
        &linux_fstab_parser(),
        &linux_sshd_conf_parser(),
        &linux_file_parser(),
        &linux_selinux_parser(),
        &linux_runlevel_parser(),
        &linux_service_status_parser(),
        &linux_ip_link_parser(),
        &linux_docker_ps_parser(),
        &linux_snap_list_parser(),
        &linux_flatpak_list_parser(),
        &linux_yum_list_parser(),
        &linux_dnf_history_parser(),
        &linux_npm_list_parser(),
        &linux_apk_info_parser(),
        &linux_pvs_parser(),
        &linux_vgs_parser(),
        &linux_lvs_parser(),
        &linux_pvdisplay_parser(),
        &linux_vgdisplay_parser(),
        &linux_lvdisplay_parser(),
        &linux_proc_mdstat_parser(),
        &linux_zpool_status_parser(),
        &linux_zpool_list_parser(),
        &linux_zfs_list_parser(),
        &linux_showmount_parser(),
        &linux_nfsstat_parser(),
        &linux_auditctl_parser(),
        &linux_journalctl_boots_parser(),
        &linux_loginctl_parser(),
        &linux_firewall_cmd_parser(),
        &linux_nmcli_parser(),
        &text_lines_parser(),
    };
    // clang-format on
    return kTable;
}

const Parser* find(std::string_view name) {
    for (const Parser* p : all()) {
        if (p->name() == name) {
            return p;
        }
    }
    return nullptr;
}

namespace {
thread_local ProbeMemo* g_probe_memo = nullptr;
}  // namespace

ProbeMemo* probe_memo() {
    return g_probe_memo;
}

Choice choose(const FileProbe& probe) {
    ProbeMemo memo;
    memo.head = probe.head;
    memo.path = probe.path;
    // A detector may itself choose() for a part of the file: restore the outer memo after.
    struct Scope {
        ProbeMemo* saved;
        ~Scope() {
            g_probe_memo = saved;
        }
    } scope{g_probe_memo};
    g_probe_memo = &memo;

    // Command outputs announce themselves in their first lines: their detectors see 16 KiB,
    // which keeps detection cheap on large JSON members (a dozen parsers clean the text).
    // The multi-command splitter looks further, for its second section.
    constexpr size_t kCommandProbe = 16 * 1024;
    FileProbe short_probe = probe;
    short_probe.head = probe.head.substr(0, kCommandProbe);
    Choice best;
    for (const Parser* p : all()) {
        const bool short_view = p->source() == "linux-commands" && p->name() != "linux.sections";
        const int c = p->detect(short_view ? short_probe : probe);
        if (c > best.confidence) {
            best = {p, c};
        }
    }
    return best;
}

}  // namespace evidenced::parsers
