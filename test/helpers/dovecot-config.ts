import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

export interface Identity {
  /** owner of the mail files */
  uid: number;
  gid: number;
  loginUser: string;
  internalUser: string;
  internalGroup: string;
}

/** Mail is never read as root (Dovecot refuses UID 0): root runs it as nobody. */
export function identity(): Identity {
  const table = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.split(':'));
  const passwd = table('/etc/passwd');
  const groups = table('/etc/group');
  if (process.getuid?.() !== 0) {
    const me = userInfo();
    const group = groups.find((g) => Number(g[2]) === me.gid)?.[0] ?? String(me.gid);
    return {
      uid: me.uid,
      gid: me.gid,
      loginUser: me.username,
      internalUser: me.username,
      internalGroup: group,
    };
  }
  const user = (name: string) => passwd.find((p) => p[0] === name);
  const group = (name: string) => groups.find((g) => g[0] === name);
  const nobody = user('nobody');
  return {
    uid: Number(nobody?.[2] ?? 65534),
    gid: Number(nobody?.[3] ?? 65534),
    loginUser: user('dovenull') ? 'dovenull' : 'nobody',
    internalUser: user('dovecot') ? 'dovecot' : 'nobody',
    internalGroup: group('dovecot') ? 'dovecot' : group('nogroup') ? 'nogroup' : 'nobody',
  };
}

/** dovecot.conf of a private test instance: loopback IMAP and IMAPS, a passwd-file, maildirs. */
export function config(o: {
  dir: string;
  mailRoot: string;
  passwdFile: string;
  port: number;
  tlsPort: number;
  id: Identity;
}) {
  return `# written by test/helpers/dovecot-config.ts for one test run
instance_name = leadtrail-test-${o.port}
base_dir = ${o.dir}/run
state_dir = ${o.dir}/state
log_path = ${o.dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = ${o.id.internalUser}
default_internal_group = ${o.id.internalGroup}
default_login_user = ${o.id.loginUser}
first_valid_uid = 1
first_valid_gid = 1
# TLS on the IMAPS listener (STARTTLS is offered on the plain one but not required)
ssl = yes
ssl_cert = <${o.dir}/cert.pem
ssl_key = <${o.dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
# Failed logins (tests make them on purpose) must not slow down the next ones from loopback:
# the auth process cannot reach anvil's penalty socket, so the growing auth penalty is off.
service anvil {
  # no chroot: a non-root Dovecot cannot chroot
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${o.passwdFile}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${o.passwdFile}
}
mail_location = maildir:${o.mailRoot}/%u
mail_fsync = never
mail_max_userip_connections = 200
mailbox_idle_check_interval = 1 secs
service imap-login {
  chroot =
  inet_listener imap {
    port = ${o.port}
  }
  inet_listener imaps {
    port = ${o.tlsPort}
    ssl = yes
  }
}
`;
}
