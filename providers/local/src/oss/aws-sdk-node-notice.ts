/**
 * The AWS SDK for JavaScript (v3) prints a NodeVersionSupportWarning on every start under Node 20 ("versions published
 * after the first week of January 2027 will require node >=22"). Berth supports Node 20.19+ and pins the SDK version,
 * so the notice is news to no one who runs it; the SDK's documented switch for it is the variable below (announced in
 * aws/aws-sdk-js-v3 issue 7983). It is set only for this notice, only when the operator left it unset and only on a Node
 * the notice is about; every other warning still prints. Called right before an S3 client is built.
 */
export function acknowledgeAwsSdkNodeNotice(env: NodeJS.ProcessEnv = process.env): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22 && env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined)
    env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
