# What the driver's external-provisioner does (it runs outside this cluster): a volume for the
# claim; the PersistentVolume controller binds them.
uid=$(kubectl -n "$ns" get pvc uploads -o jsonpath='{.metadata.uid}')
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pvc-$uid
  annotations: {pv.kubernetes.io/provisioned-by: ebs.csi.aws.com}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Delete
  storageClassName: e2e-$ns
  claimRef: {namespace: $ns, name: uploads, uid: $uid}
  csi: {driver: ebs.csi.aws.com, volumeHandle: vol-0c9d8e7f6a5b43210, fsType: ext4}
YAML
kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Bound pvc/uploads --timeout=60s >/dev/null
