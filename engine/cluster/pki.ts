/**
 * The local cluster's certificates, made with openssl at the first `up`: one CA, the API server's
 * serving certificate, an admin client certificate (group system:masters) and the service-account
 * signing key. They live under .engine/cluster/pki and are reused by later runs.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { KUBERNETES_SERVICE_IP, NODE_IP, NODE_NAME } from "./node-network";

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  /** The real node's kubelet (system:node:<name> in system:nodes, as the Node authorizer expects). */
  nodeCert: string;
  nodeKey: string;
  /** kube-proxy (system:kube-proxy, bound to system:node-proxier by the default RBAC). */
  proxyCert: string;
  proxyKey: string;
  /** kube-router's network policy firewall (system:kube-router, bound by engine/cluster/network-policy.ts). */
  routerCert: string;
  routerKey: string;
  /** metrics-server's client identity (system:metrics-server) and its serving certificate. */
  metricsCert: string;
  metricsKey: string;
  metricsServingCert: string;
  metricsServingKey: string;
  /** The aggregation layer: a CA of its own whose client (front-proxy-client) the API server proxies as. */
  frontProxyCaCert: string;
  frontProxyCert: string;
  frontProxyKey: string;
}

/** Names the API server answers to: loopback, the node's address, and the in-cluster names pods use. */
export const SERVER_SANS = [
  "IP:127.0.0.1",
  `IP:${NODE_IP}`,
  "DNS:localhost",
  "DNS:kubernetes",
  "DNS:kubernetes.default",
  "DNS:kubernetes.default.svc",
  "DNS:kubernetes.default.svc.cluster.local",
  `IP:${KUBERNETES_SERVICE_IP}`,
];

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

export function pkiPaths(dir: string): Pki {
  const p = (f: string) => path.join(dir, f);
  return {
    dir,
    caCert: p("ca.crt"),
    caKey: p("ca.key"),
    serverCert: p("apiserver.crt"),
    serverKey: p("apiserver.key"),
    adminCert: p("admin.crt"),
    adminKey: p("admin.key"),
    serviceAccountKey: p("sa.key"),
    serviceAccountPub: p("sa.pub"),
    nodeCert: p("node.crt"),
    nodeKey: p("node.key"),
    proxyCert: p("kube-proxy.crt"),
    proxyKey: p("kube-proxy.key"),
    routerCert: p("kube-router.crt"),
    routerKey: p("kube-router.key"),
    metricsCert: p("metrics-server.crt"),
    metricsKey: p("metrics-server.key"),
    metricsServingCert: p("metrics-server-serving.crt"),
    metricsServingKey: p("metrics-server-serving.key"),
    frontProxyCaCert: p("front-proxy/ca.crt"),
    frontProxyCert: p("front-proxy/front-proxy-client.crt"),
    frontProxyKey: p("front-proxy/front-proxy-client.key"),
  };
}

/** A self-signed CA, `ca.key` and `ca.crt`, in `dir`. */
export function makeCa(dir: string, commonName: string, days: number): void {
  openssl(["genrsa", "-out", "ca.key", "2048"], dir);
  openssl(
    ["req", "-x509", "-new", "-key", "ca.key", "-subj", `/CN=${commonName}`, "-days", String(days), "-out", "ca.crt"],
    dir,
  );
}

/** `<name>.key` and `<name>.crt` in `dir`, signed by the CA there, with the given x509v3 extensions. */
export function issueCertificate(dir: string, name: string, subject: string, extensions: string, days: number): void {
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, extensions);
  openssl(["genrsa", "-out", `${name}.key`, "2048"], dir);
  openssl(["req", "-new", "-key", `${name}.key`, "-subj", subject, "-out", `${name}.csr`], dir);
  openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      String(days),
      "-sha256",
      "-extfile",
      ext,
      "-out",
      `${name}.crt`,
    ],
    dir,
  );
}

const CLIENT = "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n";

/** The components' client certificates: file name → subject. */
function clientCertificates(): Record<string, string> {
  return {
    node: `/O=system:nodes/CN=system:node:${NODE_NAME}`,
    "kube-proxy": "/CN=system:kube-proxy",
    "kube-router": "/CN=system:kube-router",
    "metrics-server": "/CN=system:metrics-server",
  };
}

/** The name the API server checks metrics-server's serving certificate for (its APIService's Service). */
export const METRICS_SERVER_DNS = "metrics-server.kube-system.svc";

/**
 * Makes whatever of the PKI is missing: an existing CA with the same names is kept, and a component's
 * client certificate that a newer checkout added is issued by it (the running stacks keep working).
 */
export function ensurePki(dir: string): Pki {
  const pki = pkiPaths(dir);
  const core = [pki.caCert, pki.caKey, pki.serverCert, pki.adminCert, pki.serviceAccountKey, pki.serviceAccountPub];
  // A PKI made for other names (an older checkout's) is made anew.
  const sans = path.join(dir, "apiserver.sans");
  const sameNames = fs.existsSync(sans) && fs.readFileSync(sans, "utf8") === SERVER_SANS.join(",");
  if (!sameNames || !core.every((f) => fs.existsSync(f))) makeCore(dir, sans);
  for (const [name, subject] of Object.entries(clientCertificates()))
    if (!fs.existsSync(path.join(dir, `${name}.crt`))) issueCertificate(dir, name, subject, CLIENT, 3650);
  if (!fs.existsSync(pki.metricsServingCert))
    issueCertificate(
      dir,
      "metrics-server-serving",
      "/CN=metrics-server",
      `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${METRICS_SERVER_DNS},IP:${NODE_IP}\n`,
      3650,
    );
  const frontProxy = path.dirname(pki.frontProxyCaCert);
  if (!fs.existsSync(pki.frontProxyCert)) {
    fs.mkdirSync(frontProxy, { recursive: true, mode: 0o700 });
    makeCa(frontProxy, "moontv-front-proxy-ca", 3650);
    issueCertificate(frontProxy, "front-proxy-client", "/CN=front-proxy-client", CLIENT, 3650);
  }
  return pki;
}

function makeCore(dir: string, sans: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  makeCa(dir, "moontv-local-ca", 3650);
  issueCertificate(
    dir,
    "apiserver",
    "/CN=kube-apiserver",
    `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${SERVER_SANS.join(",")}\n`,
    3650,
  );
  issueCertificate(dir, "admin", "/O=system:masters/CN=kubernetes-admin", CLIENT, 3650);
  openssl(["genrsa", "-out", "sa.key", "2048"], dir);
  openssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
  fs.writeFileSync(sans, SERVER_SANS.join(","));
}
