# Shared by the bench scripts (sourced, after each has changed to the repository's folder).

# The median of the numbers on standard input, one per line (the mean of the middle two when even).
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
